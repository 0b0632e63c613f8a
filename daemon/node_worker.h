#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collectors/collector.h"
#include "config/config.h"
#include "transport/metered_transport.h"
#include "transport/transport.h"

namespace replwatch {

/// The result of one collector run on one node, delivered on the io thread.
struct CollectionOutcome {
  std::size_t collector_index = 0;
  bool success = false;
  bool node_reachable = false;  // connect + auth (or local exec) worked
  /// The collector ran no command and there was no session: the run says
  /// nothing of the node, up or down (a collector that can finish without a
  /// command must not make an unreachable node look up).
  bool node_untouched = false;
  std::optional<TransportFailure> failure;
  /// No connection was tried: the node is down and its back-off runs.
  bool backing_off = false;
  std::string error;  // for the log and the status page, never a label
  double duration_seconds = 0;
  /// Commands the run started and the output they printed, failed or not.
  CommandCost cost;
  std::chrono::system_clock::time_point finished;
  std::shared_ptr<const Facts> facts;
};

/// Owns one node's transport and collectors. Their blocking work runs on a
/// strand of the shared thread pool, so one node never runs two commands at
/// once and a hung node holds at most one pool thread. Reconnects back off
/// exponentially (capped) after connection failures.
class NodeWorker : public std::enable_shared_from_this<NodeWorker> {
 public:
  /// The worker keeps `pool` alive: handlers still queued on the io_context
  /// at exit own workers, and their strands must not outlive the pool.
  /// `first_sightings` is the daemon's, shared by every node and kept
  /// across reloads (a reload makes new workers).
  NodeWorker(NodeConfig config, std::vector<PeerNode> peers,
             const GlobalSettings& global,
             std::shared_ptr<boost::asio::thread_pool> pool,
             std::shared_ptr<FirstSightings> first_sightings);

  const NodeConfig& config() const { return config_; }
  std::size_t collector_count() const { return collectors_.size(); }
  std::string_view collector_name(std::size_t index) const {
    return collectors_[index]->name();
  }

  /// Runs collector `index`; `done` runs on `io` afterwards.
  void Collect(std::size_t index, boost::asio::io_context& io,
               std::function<void(CollectionOutcome)> done);
  void Keepalive();
  /// Aborts blocked and future commands (shutdown, removal). Any thread.
  void Cancel();

  // Owned by the io thread: which collectors have a run in flight.
  std::vector<bool>& in_flight() { return in_flight_; }

 private:
  CollectionOutcome RunOnStrand(std::size_t index);

  NodeConfig config_;
  std::vector<PeerNode> peers_;
  GlobalSettings global_;
  std::shared_ptr<FirstSightings> first_sightings_;
  std::unique_ptr<Transport> transport_;
  std::vector<std::unique_ptr<Collector>> collectors_;
  std::shared_ptr<boost::asio::thread_pool> pool_;  // outlives strand_
  boost::asio::strand<boost::asio::thread_pool::executor_type> strand_;
  std::vector<bool> in_flight_;
  // Strand-only: each collector's latest successful facts, for the others.
  std::vector<std::shared_ptr<const Facts>> latest_;
  // Strand-only reconnect state.
  int connect_failures_ = 0;
  std::chrono::steady_clock::time_point next_connect_attempt_{};
  std::string last_connect_error_;
};

}  // namespace replwatch

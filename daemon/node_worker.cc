#include "daemon/node_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "transport/local_transport.h"
#include "transport/ssh_transport.h"

namespace replwatch {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::unique_ptr<Transport> MakeTransport(const NodeConfig& node,
                                         const GlobalSettings& global) {
  TransportLimits limits;
  limits.connect_timeout = global.connect_timeout;
  limits.command_timeout = global.command_timeout;
  limits.max_output_bytes = global.max_output_bytes;
  limits.session_max_age = global.ssh_session_max_age;
  if (node.transport == TransportKind::kLocal) {
    return std::make_unique<LocalTransport>(limits);
  }
  SshTarget target;
  target.address = node.address;
  target.port = node.port;
  target.known_hosts_name =
      node.host_key_alias.empty() ? node.address : node.host_key_alias;
  target.user = node.ssh.user;
  target.key_file = node.ssh.key_file;
  target.use_agent = node.ssh.use_agent;
  target.known_hosts_file = node.ssh.known_hosts_file;
  return std::make_unique<SshTransport>(std::move(target), limits);
}

// Failures that mean "could not reach the node" rather than "a command
// misbehaved": they trigger the reconnect back-off and node_up = 0.
bool IsConnectionFailure(TransportFailure kind) {
  return kind == TransportFailure::kConnect ||
         kind == TransportFailure::kHostKeyChanged ||
         kind == TransportFailure::kHostKeyUnknown ||
         kind == TransportFailure::kAuth;
}

}  // namespace

NodeWorker::NodeWorker(NodeConfig config, std::vector<PeerNode> peers,
                       const GlobalSettings& global,
                       std::shared_ptr<boost::asio::thread_pool> pool,
                       std::shared_ptr<FirstSightings> first_sightings)
    : config_(std::move(config)),
      peers_(std::move(peers)),
      global_(global),
      first_sightings_(std::move(first_sightings)),
      transport_(MakeTransport(config_, global_)),
      collectors_(MakeAllCollectors()),
      pool_(std::move(pool)),
      strand_(boost::asio::make_strand(pool_->get_executor())),
      in_flight_(collectors_.size(), false),
      latest_(collectors_.size()) {}

void NodeWorker::Collect(std::size_t index, boost::asio::io_context& io,
                         std::function<void(CollectionOutcome)> done) {
  boost::asio::post(strand_, [self = shared_from_this(), index, &io,
                              done = std::move(done)]() mutable {
    CollectionOutcome outcome = self->RunOnStrand(index);
    boost::asio::post(
        io, [done = std::move(done), outcome = std::move(outcome)]() mutable {
          done(std::move(outcome));
        });
  });
}

CollectionOutcome NodeWorker::RunOnStrand(std::size_t index) {
  CollectionOutcome outcome;
  outcome.collector_index = index;
  const auto start = SteadyClock::now();
  const bool connected = transport_->connected();
  if (!connected && start < next_connect_attempt_) {
    const auto wait = std::chrono::duration_cast<std::chrono::seconds>(
        next_connect_attempt_ - start);
    outcome.failure = TransportFailure::kConnect;
    outcome.backing_off = true;
    outcome.error = last_connect_error_ + " (next connection attempt in " +
                    std::to_string(wait.count() + 1) + "s)";
  } else {
    try {
      const CollectContext context{config_, peers_,
                                   [this](std::string_view name) {
                                     for (std::size_t i = 0;
                                          i < collectors_.size(); ++i) {
                                       if (collectors_[i]->name() == name)
                                         return latest_[i];
                                     }
                                     return std::shared_ptr<const Facts>();
                                   },
                                   *first_sightings_};
      MeteredTransport metered(*transport_, outcome.cost);
      outcome.facts = collectors_[index]->Collect(metered, context);
      latest_[index] = outcome.facts;
      outcome.success = true;
      outcome.node_reachable = true;
      outcome.node_untouched = outcome.cost.commands == 0 && !connected;
      if (!outcome.node_untouched) connect_failures_ = 0;
    } catch (const TransportError& e) {
      outcome.failure = e.kind();
      outcome.error = e.what();
      outcome.node_reachable = !IsConnectionFailure(e.kind());
      if (!outcome.node_reachable) {
        last_connect_error_ = outcome.error;
        // Capped exponential back-off: initial, 2x, 4x, ... up to max.
        const int shift = std::min(connect_failures_++, 16);
        const auto delay =
            std::min(global_.reconnect_backoff_initial * (1 << shift),
                     global_.reconnect_backoff_max);
        next_connect_attempt_ = SteadyClock::now() + delay;
      } else {
        connect_failures_ = 0;
      }
    } catch (const std::exception& e) {
      // Parser and collector errors degrade this collector only.
      outcome.error = e.what();
      outcome.node_reachable = true;
      outcome.node_untouched = outcome.cost.commands == 0 && !connected;
    }
  }
  outcome.duration_seconds =
      std::chrono::duration<double>(SteadyClock::now() - start).count();
  outcome.finished = std::chrono::system_clock::now();
  return outcome;
}

void NodeWorker::Keepalive() {
  boost::asio::post(
      strand_, [self = shared_from_this()] { self->transport_->Keepalive(); });
}

void NodeWorker::Cancel() { transport_->Cancel(); }

}  // namespace replwatch

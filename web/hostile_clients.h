#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).
#include <vector>

namespace replwatch::web::testing {

/// What every connection of a HostileClients flood does.
enum class Hostility {
  kSlow,    ///< Sends one byte of a request every byte_interval, never done.
  kIdle,    ///< Connects and sends nothing.
  kRepeat,  ///< Sends whole requests (with `headers`), reads each answer.
};

/// A flood of hostile connections against one server.
struct FloodOptions {
  boost::asio::ip::tcp::endpoint server;
  Hostility hostility = Hostility::kIdle;
  std::size_t connections = 128;
  std::string path = "/metrics";
  /// Extra request header lines for kRepeat, e.g. "Accept-Encoding: gzip".
  std::vector<std::string> headers;
  /// Source address to bind (127.0.0.2 looks like another host on
  /// loopback); unspecified lets the kernel choose.
  boost::asio::ip::address source;
  std::chrono::milliseconds byte_interval{2000};
};

/// Keeps `connections` hostile connections to a server open, on a thread of
/// its own, until destroyed. A connection the server closes is opened again
/// at once, so the pressure never lets up. For load tests and the attack
/// benchmark.
class HostileClients {
 public:
  explicit HostileClients(FloodOptions options);
  ~HostileClients();
  HostileClients(const HostileClients&) = delete;
  HostileClients& operator=(const HostileClients&) = delete;

  /// Connections open now.
  std::size_t open() const { return open_; }
  /// Connections the server has closed (answers of kRepeat included).
  std::size_t closed_by_server() const { return closed_; }
  /// Complete answers with this HTTP status (kRepeat).
  std::size_t answers(int status) const;

 private:
  class Connection;

  const FloodOptions options_;
  boost::asio::io_context io_;
  std::vector<std::shared_ptr<Connection>> connections_;
  std::atomic<std::size_t> open_{0};
  std::atomic<std::size_t> closed_{0};
  std::atomic<std::size_t> answers_by_status_[600] = {};
  std::thread thread_;
};

}  // namespace replwatch::web::testing

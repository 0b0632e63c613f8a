#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).
#include <vector>

#include "web/web_config.h"

namespace replwatch::web {

/// What a Handler sees of an HTTP request.
struct Request {
  std::string method;  // "GET" or "HEAD"
  std::string path;    // Request target without the query string.
  std::string query;   // Raw query string, "" if none.
};

/// What a Handler answers. For HEAD the body is measured but not sent.
struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  /// Set instead of body for a body served many times unchanged (the
  /// exposition): it is sent without a copy, and gzip-compressed once for
  /// every client that asks until a different shared_body replaces it.
  std::shared_ptr<const std::string> shared_body;
};

/// Runs on the io_context thread, so it must be fast. Answering unknown paths
/// (404) is its job. An exception becomes a 500 response.
using Handler = std::function<Response(const Request&)>;

/// Resource limits that protect the single io_context thread. A connection
/// "waits" from accept until its request is complete, and again after each
/// response; it is busy while the server works on a request.
struct ServerLimits {
  std::size_t max_header_bytes = 8192;  // Larger headers get 431.
  // At the limit, a new connection closes the one that has waited longest;
  // it is refused only if every connection is busy.
  std::size_t max_connections = 128;
  // One address (an IPv6 /64) keeps at most this many waiting connections:
  // a new one closes that address's longest-waiting one, never another's.
  std::size_t max_waiting_per_client = 32;
  // From accept to the end of the first request (TLS handshake included),
  // and from each response to the end of the next request.
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{60};  // Per response.
  // Password checks (bcrypt) per address: a check takes a token and a
  // successful one gives it back; without a token the answer is 429 at
  // once. Tokens refill one per login_refill up to login_burst.
  double login_burst = 10;
  std::chrono::milliseconds login_refill{1000};
  // Checks of one address queued or running at once; more get 429, so a
  // flood from one address delays another address by this many checks.
  std::size_t max_pending_logins_per_client = 2;
  // Load shedding and rate limiting are logged when they start, then as a
  // count at most once per interval, and when an interval passes without.
  std::chrono::milliseconds shed_log_interval{10000};
};

class ServerState;

/// HTTP/1.1 server (optionally TLS and basic auth, see WebConfig) driven by
/// one io_context thread. Only GET and HEAD are served; responses over 1 KiB
/// are gzip-compressed when the client accepts it, on a thread of their own.
///
/// Listen and SetWebConfig may be called from any thread; Stop may be called
/// from any thread while the io_context runs, or from its thread. Destroy the
/// server on the io_context thread or after the io_context stopped running.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, Handler handler,
             ServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds every address ("host:port", "[v6addr]:port", ":port"; port 0 is
  /// ephemeral) or none: throws std::runtime_error("cannot listen on <addr>:
  /// <reason>") and keeps nothing open if any address fails.
  void Listen(const std::vector<std::string>& addresses);

  /// Switches TLS, basic auth and extra headers (nullptr: plain HTTP, no
  /// auth). New connections get the new TLS setup, new requests the new auth.
  /// Throws std::runtime_error if the TLS files no longer load; the previous
  /// config then stays in force.
  void SetWebConfig(std::shared_ptr<const WebConfig> config);

  /// The bound endpoints, with the actual ports.
  std::vector<boost::asio::ip::tcp::endpoint> LocalEndpoints() const;

  /// Closes all listeners and connections; afterwards the server holds no
  /// io_context work.
  void Stop();

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<ServerState> state_;
};

}  // namespace replwatch::web

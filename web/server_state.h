#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).
#include <vector>

#include "web/basic_auth.h"
#include "web/body_compressor.h"
#include "web/connection_table.h"
#include "web/episode_log.h"
#include "web/http_server.h"
#include "web/login_throttle.h"
#include "web/web_config.h"

namespace replwatch::web {

// The web config in force together with what is built from it.
struct ActiveWebConfig {
  std::shared_ptr<const WebConfig> config;            // Never null.
  std::shared_ptr<boost::asio::ssl::context> tls;     // Null: plain HTTP.
  std::shared_ptr<BasicAuthenticator> authenticator;  // Null: no auth.
};

// Everything HttpServer shares with its accept loops and connections. Held by
// shared_ptr so callbacks still queued after the server is gone stay valid.
class ServerState {
 public:
  ServerState(boost::asio::io_context& io, Handler handler,
              ServerLimits limits);

  boost::asio::io_context& io() const { return io_; }
  const Handler& handler() const { return handler_; }
  const ServerLimits& limits() const { return limits_; }
  // bcrypt takes tens of milliseconds, so it runs here, off the io thread.
  boost::asio::thread_pool& password_checker() { return password_checker_; }
  bool stopped() const { return stopped_; }

  // Any thread.
  ActiveWebConfig active_config() const;
  void set_active_config(ActiveWebConfig active);
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;
  void AddEndpoint(const boost::asio::ip::tcp::endpoint& endpoint);

  // io_context thread only.
  // Returns false (and closes the acceptor) if the server already stopped.
  bool AddAcceptor(std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor);
  // Makes room for a new connection (see ConnectionTable::Admit) and logs
  // what that cost through the shed log; false: refuse the connection.
  bool AdmitConnection(const std::string& peer, const std::string& client);
  ConnectionTable& connections() { return connections_; }
  LoginThrottle& login_throttle() { return login_throttle_; }
  BodyCompressor& compressor() { return compressor_; }
  EpisodeLog& shed_log() { return shed_log_; }
  EpisodeLog& login_limit_log() { return login_limit_log_; }
  void StopAll();

 private:
  boost::asio::io_context& io_;
  const Handler handler_;
  const ServerLimits limits_;
  boost::asio::thread_pool password_checker_{1};
  std::atomic<bool> stopped_{false};

  mutable std::mutex mutex_;  // Guards active_ and endpoints_.
  ActiveWebConfig active_;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;

  std::vector<std::shared_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  ConnectionTable connections_;
  LoginThrottle login_throttle_;
  BodyCompressor compressor_;
  EpisodeLog shed_log_;
  EpisodeLog login_limit_log_;
};

}  // namespace replwatch::web

#include "web/server_state.h"

#include <fmt/format.h>

#include <optional>

namespace replwatch::web {

ServerState::ServerState(boost::asio::io_context& io, Handler handler,
                         ServerLimits limits)
    : io_(io),
      handler_(std::move(handler)),
      limits_(limits),
      active_{std::make_shared<const WebConfig>(), nullptr, nullptr},
      connections_(limits.max_connections, limits.max_waiting_per_client),
      login_throttle_({limits.login_burst, limits.login_refill,
                       limits.max_pending_logins_per_client}),
      compressor_(io),
      shed_log_(io, "load shedding", limits.shed_log_interval),
      login_limit_log_(io, "login rate limit", limits.shed_log_interval) {}

ActiveWebConfig ServerState::active_config() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return active_;
}

void ServerState::set_active_config(ActiveWebConfig active) {
  std::lock_guard<std::mutex> lock(mutex_);
  active_ = std::move(active);
}

std::vector<boost::asio::ip::tcp::endpoint> ServerState::endpoints() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return endpoints_;
}

void ServerState::AddEndpoint(const boost::asio::ip::tcp::endpoint& endpoint) {
  std::lock_guard<std::mutex> lock(mutex_);
  endpoints_.push_back(endpoint);
}

bool ServerState::AddAcceptor(
    std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor) {
  if (stopped_) {
    boost::system::error_code ignored;
    acceptor->close(ignored);
    return false;
  }
  acceptors_.push_back(std::move(acceptor));
  return true;
}

bool ServerState::AdmitConnection(const std::string& peer,
                                  const std::string& client) {
  std::optional<ConnectionTable::Eviction> evicted;
  const bool admitted =
      connections_.Admit(client, ConnectionTable::Clock::now(), evicted);
  const std::size_t limit = limits_.max_connections;
  if (!admitted) {
    shed_log_.Record(
        fmt::format("{} connections open, all busy with requests: refused {}",
                    limit, peer));
  } else if (evicted) {
    const double waited =
        std::chrono::duration<double>(evicted->waited).count();
    shed_log_.Record(
        evicted->same_client
            ? fmt::format("{} has {} connections waiting for a request: "
                          "closed {} (waited {:.1f} s) to admit {}",
                          client, limits_.max_waiting_per_client, evicted->peer,
                          waited, peer)
            : fmt::format("{} connections open: closed {}, which waited "
                          "longest ({:.1f} s) for a request, to admit {}",
                          limit, evicted->peer, waited, peer));
  }
  return admitted;
}

void ServerState::StopAll() {
  stopped_ = true;
  boost::system::error_code ignored;
  for (const auto& acceptor : acceptors_) acceptor->close(ignored);
  acceptors_.clear();
  shed_log_.Stop();
  login_limit_log_.Stop();
  connections_.CloseAll();
}

}  // namespace replwatch::web

#include "web/server_state.h"

namespace replwatch::web {

ServerState::ServerState(boost::asio::io_context& io, Handler handler,
                         ServerLimits limits)
    : io_(io),
      handler_(std::move(handler)),
      limits_(limits),
      active_{std::make_shared<const WebConfig>(), nullptr, nullptr} {}

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

void ServerState::Register(Connection* connection,
                           std::weak_ptr<Connection> owner) {
  connections_.emplace(connection, std::move(owner));
}

void ServerState::Unregister(Connection* connection) {
  connections_.erase(connection);
}

void ServerState::StopAll() {
  stopped_ = true;
  boost::system::error_code ignored;
  for (const auto& acceptor : acceptors_) acceptor->close(ignored);
  acceptors_.clear();
  // Hold every connection while closing: Close() may drop the last other
  // reference, and its destructor then edits connections_.
  std::vector<std::shared_ptr<Connection>> open;
  for (const auto& [raw, owner] : connections_) {
    if (auto connection = owner.lock()) open.push_back(std::move(connection));
  }
  for (const auto& connection : open) connection->Close();
}

}  // namespace replwatch::web

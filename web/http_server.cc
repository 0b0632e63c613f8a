#include "web/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <stdexcept>

#include "web/http_session.h"
#include "web/listen_address.h"
#include "web/server_state.h"
#include "web/tls_context.h"

namespace replwatch::web {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Pause after a failed accept (e.g. EMFILE) so the loop does not spin.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

void AcceptNext(std::shared_ptr<ServerState> state,
                std::shared_ptr<tcp::acceptor> acceptor);

void AcceptLater(std::shared_ptr<ServerState> state,
                 std::shared_ptr<tcp::acceptor> acceptor) {
  auto timer =
      std::make_shared<asio::steady_timer>(state->io(), kAcceptRetryDelay);
  timer->async_wait([state, acceptor, timer](boost::system::error_code) {
    if (!state->stopped()) AcceptNext(state, acceptor);
  });
}

void AcceptNext(std::shared_ptr<ServerState> state,
                std::shared_ptr<tcp::acceptor> acceptor) {
  acceptor->async_accept(
      [state, acceptor](boost::system::error_code ec, tcp::socket socket) {
        if (state->stopped() || ec == asio::error::operation_aborted) return;
        if (ec) {
          spdlog::warn("web: accept failed: {}", ec.message());
          return AcceptLater(state, acceptor);
        }
        try {
          StartConnection(state, std::move(socket));
        } catch (const std::exception& e) {
          spdlog::warn("web: dropping new connection: {}", e.what());
        }
        AcceptNext(state, acceptor);
      });
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, Handler handler,
                       ServerLimits limits)
    : io_(io),
      state_(std::make_shared<ServerState>(io, std::move(handler), limits)) {}

HttpServer::~HttpServer() { state_->StopAll(); }

void HttpServer::Listen(const std::vector<std::string>& addresses) {
  std::vector<std::shared_ptr<tcp::acceptor>> opened;
  for (const auto& address : addresses) {
    try {
      for (auto& acceptor : OpenAcceptors(io_, ParseListenAddress(address))) {
        opened.push_back(std::make_shared<tcp::acceptor>(std::move(acceptor)));
      }
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot listen on " + address + ": " + e.what());
    }
  }
  for (const auto& acceptor : opened) {
    const tcp::endpoint endpoint = acceptor->local_endpoint();
    state_->AddEndpoint(endpoint);
    spdlog::info("web: listening on {}", FormatEndpoint(endpoint));
  }
  asio::dispatch(io_, [state = state_, opened = std::move(opened)] {
    for (const auto& acceptor : opened) {
      if (state->AddAcceptor(acceptor)) AcceptNext(state, acceptor);
    }
  });
}

void HttpServer::SetWebConfig(std::shared_ptr<const WebConfig> config) {
  ActiveWebConfig active;
  active.config = config ? std::move(config) : std::make_shared<WebConfig>();
  if (active.config->tls) active.tls = MakeTlsContext(*active.config->tls);
  if (!active.config->basic_auth_users.empty()) {
    active.authenticator =
        std::make_shared<BasicAuthenticator>(active.config->basic_auth_users);
  }
  spdlog::info("web: TLS {}, basic auth {}", active.tls ? "on" : "off",
               active.authenticator ? "on" : "off");
  state_->set_active_config(std::move(active));
}

std::vector<tcp::endpoint> HttpServer::LocalEndpoints() const {
  return state_->endpoints();
}

void HttpServer::Stop() {
  asio::dispatch(io_, [state = state_] { state->StopAll(); });
}

}  // namespace replwatch::web

#include "web/login_gate.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

namespace replwatch::web {
namespace {

namespace http = boost::beast::http;

constexpr const char* kAuthenticateChallenge = R"(Basic realm="replwatch")";

}  // namespace

LoginDecision DecideLogin(ServerState& state, const ActiveWebConfig& active,
                          const BeastRequest& request,
                          const std::string& client) {
  LoginDecision decision;
  if (!active.authenticator) return decision;
  auto credentials =
      ParseBasicAuthorization(ToStdView(request[http::field::authorization]));
  if (!credentials) {
    decision.step = LoginDecision::kUnauthorized;
    return decision;
  }
  if (active.authenticator->IsRemembered(*credentials)) return decision;
  const auto now = LoginThrottle::Clock::now();
  auto bucket = state.login_throttle().Admit(client, now);
  if (!bucket) {
    const ServerLimits& limits = state.limits();
    state.login_limit_log().Record(fmt::format(
        "{}: over its login limit ({:g} password checks at once, then one "
        "per {} ms, {} queued at a time; a correct password gives its check "
        "back): answering 429 without checking",
        client, limits.login_burst, limits.login_refill.count(),
        limits.max_pending_logins_per_client));
    decision.step = LoginDecision::kTooMany;
    decision.retry_after_seconds =
        state.login_throttle().RetryAfterSeconds(client, now);
    return decision;
  }
  decision.step = LoginDecision::kCheckPassword;
  decision.credentials = std::move(*credentials);
  decision.bucket = std::move(*bucket);
  return decision;
}

void CheckPassword(const std::shared_ptr<ServerState>& state,
                   std::shared_ptr<BasicAuthenticator> authenticator,
                   BasicCredentials credentials, std::string bucket,
                   std::function<void(bool accepted)> done) {
  // The work guard keeps io_context::run() from returning while the
  // connection has no I/O pending.
  boost::asio::post(
      state->password_checker(),
      [state, authenticator = std::move(authenticator),
       credentials = std::move(credentials), bucket = std::move(bucket),
       done = std::move(done),
       work = boost::asio::make_work_guard(state->io())]() mutable {
        bool accepted = false;
        try {
          accepted = authenticator->Verify(credentials);
        } catch (const std::exception& e) {
          spdlog::error("web: password check failed: {}", e.what());
        }
        boost::asio::io_context& io = state->io();
        // Moving state and done makes sure both are released on the io
        // thread, never on this one.
        boost::asio::post(io,
                          [state = std::move(state), bucket = std::move(bucket),
                           done = std::move(done), accepted] {
                            state->login_throttle().Finished(bucket, accepted);
                            done(accepted);
                          });
      });
}

BeastResponse RenderUnauthorized(const BeastRequest& request,
                                 const WebConfig& config) {
  spdlog::debug("web: unauthorized request for {}",
                std::string(request.target()));
  return RenderResponse(request, ToAnswer(request, ErrorResponse(401)), config,
                        {{"WWW-Authenticate", kAuthenticateChallenge}});
}

BeastResponse RenderTooManyLogins(const BeastRequest& request,
                                  const WebConfig& config,
                                  int retry_after_seconds) {
  return RenderResponse(request, ToAnswer(request, ErrorResponse(429)), config,
                        {{"Retry-After", std::to_string(retry_after_seconds)}});
}

}  // namespace replwatch::web

#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "web/basic_auth.h"
#include "web/http_exchange.h"
#include "web/server_state.h"

namespace replwatch::web {

// What a request needs before it is served, when basic auth is on.
struct LoginDecision {
  enum Step {
    kServe,          // No auth configured, or credentials checked before.
    kUnauthorized,   // No well-formed credentials: 401 at once.
    kTooMany,        // Over the client's login limit: 429 at once.
    kCheckPassword,  // Run bcrypt off the io thread (CheckPassword).
  };
  Step step = kServe;
  BasicCredentials credentials;  // kCheckPassword only.
  std::string bucket;            // kCheckPassword: pass to CheckPassword.
  int retry_after_seconds = 0;   // kTooMany only.
};

// io thread. Takes a login token when it answers kCheckPassword, and logs
// (bounded, see EpisodeLog) when a client is over its limit.
LoginDecision DecideLogin(ServerState& state, const ActiveWebConfig& active,
                          const BeastRequest& request,
                          const std::string& client);

// Runs bcrypt on the checker thread, gives the login token back (a success
// refunds it) and calls `done(accepted)` on the io thread. `done` owns the
// connection, so it is released on the io thread too.
void CheckPassword(const std::shared_ptr<ServerState>& state,
                   std::shared_ptr<BasicAuthenticator> authenticator,
                   BasicCredentials credentials, std::string bucket,
                   std::function<void(bool accepted)> done);

// 401 with the Basic challenge, or 429 with Retry-After.
BeastResponse RenderUnauthorized(const BeastRequest& request,
                                 const WebConfig& config);
BeastResponse RenderTooManyLogins(const BeastRequest& request,
                                  const WebConfig& config,
                                  int retry_after_seconds);

}  // namespace replwatch::web

#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace replwatch::web {

/// User name and password from an "Authorization: Basic ..." header.
struct BasicCredentials {
  std::string user;
  std::string password;
};

/// Decodes an Authorization header value; nullopt unless it is well-formed
/// Basic credentials.
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view value);

/// True for a bcrypt hash libxcrypt can verify ($2a$, $2b$ or $2y$, cost
/// 04-31, 53 characters of salt and digest).
bool IsBcryptHash(std::string_view hash);

/// Checks credentials against basic_auth_users (user -> bcrypt hash).
/// Successful checks are remembered so repeated scrapes cost one hash lookup
/// instead of a bcrypt run. Thread-safe.
class BasicAuthenticator {
 public:
  /// Throws std::invalid_argument unless every hash passes IsBcryptHash.
  explicit BasicAuthenticator(std::map<std::string, std::string> users);

  /// Fast path: true if these exact credentials were verified before.
  bool IsRemembered(const BasicCredentials& credentials) const;

  /// Runs bcrypt (tens of milliseconds); remembers the credentials on success.
  bool Verify(const BasicCredentials& credentials);

 private:
  std::string CacheKey(const BasicCredentials& credentials,
                       const std::string& hash) const;

  const std::map<std::string, std::string> users_;
  // Unknown users are checked against this hash (the costliest configured
  // one) so response time does not reveal which user names exist.
  std::string decoy_hash_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> verified_;
};

}  // namespace replwatch::web

#include "web/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace replwatch::web {
namespace {

// Bounds memory if many distinct valid credentials are presented; dropping
// everything only costs a bcrypt run per client on its next request.
constexpr std::size_t kMaxRemembered = 256;
constexpr std::size_t kBcryptHashLength = 60;

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) ==
                             std::tolower(static_cast<unsigned char>(b));
                    });
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string decoded(text.size() / 4 * 3, '\0');
  const int length =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                      reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  if (length < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes that "=" padding stands for.
  const std::size_t padding = text.size() - text.find_last_not_of('=') - 1;
  if (padding > 2) return std::nullopt;
  decoded.resize(static_cast<std::size_t>(length) - padding);
  return decoded;
}

bool BcryptMatches(const std::string& password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  const char* computed = crypt_r(password.c_str(), hash.c_str(), data.get());
  // libxcrypt signals failure with NULL or a string starting with '*'.
  if (computed == nullptr || computed[0] == '*') return false;
  const std::size_t length = std::strlen(computed);
  const bool equal = length == hash.size() &&
                     CRYPTO_memcmp(computed, hash.data(), length) == 0;
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return equal;
}

int BcryptCost(const std::string& hash) { return std::stoi(hash.substr(4, 2)); }

}  // namespace

std::optional<BasicCredentials> ParseBasicAuthorization(
    std::string_view value) {
  constexpr std::string_view kScheme = "Basic ";
  if (!StartsWithIgnoringCase(value, kScheme)) return std::nullopt;
  value.remove_prefix(kScheme.size());
  const auto first = value.find_first_not_of(' ');
  if (first == std::string_view::npos) return std::nullopt;
  value = value.substr(first, value.find_last_not_of(' ') - first + 1);

  auto decoded = DecodeBase64(value);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  // A NUL would silently truncate the password inside crypt_r.
  if (colon == std::string::npos || decoded->find('\0') != std::string::npos) {
    OPENSSL_cleanse(decoded->data(), decoded->size());
    return std::nullopt;
  }
  BasicCredentials credentials{decoded->substr(0, colon),
                               decoded->substr(colon + 1)};
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return credentials;
}

bool IsBcryptHash(std::string_view hash) {
  if (hash.size() != kBcryptHashLength || hash.substr(0, 2) != "$2" ||
      (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') || hash[3] != '$' ||
      hash[6] != '$' || !std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5]))) {
    return false;
  }
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(hash.begin() + 7, hash.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/';
  });
}

BasicAuthenticator::BasicAuthenticator(std::map<std::string, std::string> users)
    : users_(std::move(users)) {
  for (const auto& [user, hash] : users_) {
    if (!IsBcryptHash(hash)) {
      throw std::invalid_argument("the hash of user \"" + user +
                                  "\" is not a bcrypt hash");
    }
    if (decoy_hash_.empty() || BcryptCost(hash) > BcryptCost(decoy_hash_)) {
      decoy_hash_ = hash;
    }
  }
}

bool BasicAuthenticator::IsRemembered(
    const BasicCredentials& credentials) const {
  const auto found = users_.find(credentials.user);
  if (found == users_.end()) return false;
  const std::string key = CacheKey(credentials, found->second);
  if (key.empty()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  return verified_.count(key) != 0;
}

bool BasicAuthenticator::Verify(const BasicCredentials& credentials) {
  const auto found = users_.find(credentials.user);
  const bool known_user = found != users_.end();
  const std::string& hash = known_user ? found->second : decoy_hash_;
  if (!BcryptMatches(credentials.password, hash) || !known_user) return false;
  std::string key = CacheKey(credentials, hash);
  if (key.empty()) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  if (verified_.size() >= kMaxRemembered) verified_.clear();
  verified_.insert(std::move(key));
  return true;
}

std::string BasicAuthenticator::CacheKey(const BasicCredentials& credentials,
                                         const std::string& hash) const {
  // Only a digest is kept, never the password. User names and hashes hold
  // no NUL, so the separators make the input unambiguous.
  std::string input =
      credentials.user + '\0' + hash + '\0' + credentials.password;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  const int ok = EVP_Digest(input.data(), input.size(), digest, &digest_length,
                            EVP_sha256(), nullptr);
  OPENSSL_cleanse(input.data(), input.size());
  // Callers treat an empty key as "cannot remember".
  if (ok != 1) return std::string();
  return std::string(reinterpret_cast<char*>(digest), digest_length);
}

}  // namespace replwatch::web

#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace replwatch::web {

/// Raised by LoadWebConfig. what() holds one problem per line, each as
/// "file:line:column: message" (1-based); a file that cannot be opened or
/// read is reported as "file: message".
class WebConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Go crypto/tls client authentication policies, as named by exporter-toolkit.
enum class ClientAuthType {
  kNoClientCert,
  kRequestClientCert,
  kRequireAnyClientCert,
  kVerifyClientCertIfGiven,
  kRequireAndVerifyClientCert,
};

enum class TlsVersion { kTls12, kTls13 };

/// The tls_server_config section. Relative file paths are already resolved
/// against the directory of the config file.
struct TlsServerConfig {
  std::string cert_file;
  std::string key_file;
  ClientAuthType client_auth_type = ClientAuthType::kNoClientCert;
  std::string client_ca_file;
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;
};

/// An exporter-toolkit compatible --web.config.file. A default-constructed
/// WebConfig means plain HTTP without authentication.
struct WebConfig {
  std::optional<TlsServerConfig> tls;
  /// User name -> bcrypt hash ($2a$, $2b$ or $2y$).
  std::map<std::string, std::string> basic_auth_users;
  /// http_server_config.headers: extra headers added to every response.
  std::map<std::string, std::string> response_headers;
};

/// Hundreds of users with their bcrypt hashes fit in 64 KiB; a bigger file
/// is refused unread (YAML parsing takes many times its size in memory).
constexpr std::size_t kMaxWebConfigFileBytes = 64 << 10;

/// Reads and validates a web config file, including that the TLS certificate,
/// key and client CA files load. Throws WebConfigError listing every problem.
WebConfig LoadWebConfig(const std::string& path);

}  // namespace replwatch::web

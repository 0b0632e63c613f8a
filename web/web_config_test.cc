#include "web/web_config.h"

#include <string>

#include "testing/catch.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

using Catch::Matchers::ContainsSubstring;
using testing::MakeSelfSignedCertificate;
using testing::TempDir;

// The WebConfigError text for a config file, or "" if it loaded.
std::string LoadError(const std::string& path) {
  try {
    LoadWebConfig(path);
  } catch (const WebConfigError& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("a complete web config loads, with paths relative to the file") {
  TempDir dir;
  MakeSelfSignedCertificate(dir, "server");
  MakeSelfSignedCertificate(dir, "client");
  const std::string hash = testing::BcryptHash("prometheus", "s3cret");
  const auto path = dir.Write("web.yml",
                              "tls_server_config:\n"
                              "  cert_file: server.crt\n"
                              "  key_file: server.key\n"
                              "  client_auth_type: VerifyClientCertIfGiven\n"
                              "  client_ca_file: client.crt\n"
                              "  min_version: TLS13\n"
                              "basic_auth_users:\n"
                              "  prometheus: " +
                                  hash +
                                  "\n"
                                  "http_server_config:\n"
                                  "  headers:\n"
                                  "    X-Content-Type-Options: nosniff\n");
  const WebConfig config = LoadWebConfig(path);
  REQUIRE(config.tls);
  CHECK(config.tls->cert_file == (dir.path() / "server.crt").string());
  CHECK(config.tls->key_file == (dir.path() / "server.key").string());
  CHECK(config.tls->client_ca_file == (dir.path() / "client.crt").string());
  CHECK(config.tls->client_auth_type ==
        ClientAuthType::kVerifyClientCertIfGiven);
  CHECK(config.tls->min_version == TlsVersion::kTls13);
  CHECK(config.tls->max_version == TlsVersion::kTls13);
  CHECK(config.basic_auth_users.at("prometheus") == hash);
  CHECK(config.response_headers.at("X-Content-Type-Options") == "nosniff");
}

TEST_CASE("an empty web config means plain HTTP without auth") {
  TempDir dir;
  const WebConfig config = LoadWebConfig(dir.Write("web.yml", "# nothing\n"));
  CHECK_FALSE(config.tls);
  CHECK(config.basic_auth_users.empty());
  CHECK(config.response_headers.empty());
}

TEST_CASE("every structural problem is reported with file:line:column") {
  TempDir dir;
  const auto path = dir.Write("web.yml",
                              "basic_auth_users:\n"
                              "  - alice\n"
                              "listen: \":9100\"\n"
                              "tls_server_config:\n"
                              "  cert_file: missing.crt\n"
                              "  key_file: [a, b]\n"
                              "  bogus: 1\n");
  const std::string error = LoadError(path);
  CHECK_THAT(error,
             ContainsSubstring(path + ":2:3: basic_auth_users must be a map"));
  CHECK_THAT(error, ContainsSubstring(path + ":3:1: unknown key \"listen\""));
  CHECK_THAT(error,
             ContainsSubstring(path + ":6:13: key_file must be a string"));
  CHECK_THAT(error, ContainsSubstring(path + ":7:3: unknown key \"bogus\""));
  CHECK_THAT(error, ContainsSubstring(path + ":5:14: cannot read cert_file \"" +
                                      (dir.path() / "missing.crt").string() +
                                      "\": No such file or directory"));
  CHECK(std::count(error.begin(), error.end(), '\n') == 4);  // 5 problems
}

TEST_CASE("hashes, headers and unsupported exporter-toolkit keys are checked") {
  TempDir dir;
  const auto path = dir.Write("web.yml",
                              "basic_auth_users:\n"
                              "  alice: plaintext-password\n"
                              "rate_limit:\n"
                              "  interval: 1s\n"
                              "http_server_config:\n"
                              "  headers:\n"
                              "    X-Frame-Options: allow-all\n"
                              "    Server: replwatch\n"
                              "  http2: false\n");
  const std::string error = LoadError(path);
  CHECK_THAT(error, ContainsSubstring(
                        path + ":2:10: the hash of user \"alice\" is not"));
  CHECK_THAT(error, ContainsSubstring(
                        path + ":3:1: \"rate_limit\" is an exporter-toolkit"));
  CHECK_THAT(error, ContainsSubstring(
                        path + ":7:22: invalid value for X-Frame-Options"));
  CHECK_THAT(error, ContainsSubstring(
                        path + ":8:5: HTTP header \"Server\" can not be"));
  CHECK_THAT(error, ContainsSubstring(
                        path + ":9:3: \"http2\" is an exporter-toolkit"));
  CHECK_THAT(error, !ContainsSubstring("plaintext-password"));
}

TEST_CASE("TLS settings are validated against each other and the files") {
  TempDir dir;
  MakeSelfSignedCertificate(dir, "a");
  MakeSelfSignedCertificate(dir, "b");
  const auto mismatch = dir.Write("mismatch.yml",
                                  "tls_server_config:\n"
                                  "  cert_file: a.crt\n"
                                  "  key_file: b.key\n");
  CHECK_THAT(LoadError(mismatch), ContainsSubstring(mismatch + ":3:13: "));
  CHECK_THAT(LoadError(mismatch), ContainsSubstring("key_file"));

  const auto policy =
      dir.Write("policy.yml",
                "tls_server_config:\n"
                "  cert_file: a.crt\n"
                "  key_file: a.key\n"
                "  client_auth_type: RequireAndVerifyClientCert\n"
                "  min_version: TLS10\n");
  CHECK_THAT(LoadError(policy),
             ContainsSubstring(
                 policy + ":4:21: this client_auth_type needs client_ca_file"));
  CHECK_THAT(
      LoadError(policy),
      ContainsSubstring(policy + ":5:16: min_version TLS10 is not supported"));

  const auto no_key = dir.Write("no_key.yml",
                                "tls_server_config:\n"
                                "  cert_file: a.crt\n"
                                "  client_ca_file: b.crt\n"
                                "  client_auth_type: Sometimes\n");
  const std::string error = LoadError(no_key);
  CHECK_THAT(error, ContainsSubstring(
                        no_key + ":1:1: tls_server_config needs key_file"));
  CHECK_THAT(error, ContainsSubstring(
                        no_key + ":4:21: client_auth_type must be one of"));
  CHECK_THAT(error,
             ContainsSubstring(no_key + ":3:19: client_ca_file is set but"));
}

TEST_CASE("unreadable or malformed files are reported") {
  TempDir dir;
  const std::string missing = (dir.path() / "absent.yml").string();
  CHECK(LoadError(missing) ==
        missing + ": cannot open: No such file or directory");
  const auto broken = dir.Write("broken.yml", "tls_server_config: [unclosed\n");
  CHECK_THAT(LoadError(broken), Catch::Matchers::StartsWith(broken + ":2:1: "));
}

TEST_CASE("a web config over 64 KiB is refused unread") {
  TempDir dir;
  const auto huge = dir.Write(
      "huge.yml", "# " + std::string(kMaxWebConfigFileBytes, 'c') + "\n");
  CHECK(LoadError(huge) == huge + ": the file is " +
                               std::to_string(kMaxWebConfigFileBytes + 3) +
                               " bytes, over the limit of 64 KiB");
}

}  // namespace
}  // namespace replwatch::web

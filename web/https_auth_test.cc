#include <memory>
#include <string>

#include "testing/catch.h"
#include "web/http_server.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

using testing::Curl;
using testing::MakeSelfSignedCertificate;
using testing::RunningServer;
using testing::TempDir;

Response Hello(const Request&) { return {200, "text/plain", "hello\n", {}}; }

std::shared_ptr<WebConfig> TlsConfig(const testing::CertificatePair& server) {
  auto config = std::make_shared<WebConfig>();
  config->tls = TlsServerConfig{};
  config->tls->cert_file = server.cert_file;
  config->tls->key_file = server.key_file;
  return config;
}

TEST_CASE("with TLS configured every listener speaks HTTPS only") {
  TempDir dir;
  const auto server_cert = MakeSelfSignedCertificate(dir, "server");
  RunningServer running(Hello, {"127.0.0.1:0", "[::1]:0"}, {},
                        TlsConfig(server_cert));
  for (std::size_t endpoint : {0, 1}) {
    const auto https = Curl(running.Url("/", endpoint, "https"),
                            {"--cacert", server_cert.cert_file});
    CHECK(https.status == 200);
    CHECK(https.body == "hello\n");
    CHECK(Curl(running.Url("/", endpoint, "http")).status == 0);
  }
  // Without trusting the self-signed certificate, curl refuses.
  CHECK(Curl(running.Url("/", 0, "https")).exit_code != 0);
}

TEST_CASE(
    "RequireAndVerifyClientCert admits only trusted client certificates") {
  TempDir dir;
  const auto server_cert = MakeSelfSignedCertificate(dir, "server");
  const auto client_cert = MakeSelfSignedCertificate(dir, "client");
  const auto stranger_cert = MakeSelfSignedCertificate(dir, "stranger");
  auto config = TlsConfig(server_cert);
  config->tls->client_auth_type = ClientAuthType::kRequireAndVerifyClientCert;
  config->tls->client_ca_file = client_cert.cert_file;
  RunningServer running(Hello, {"127.0.0.1:0"}, {}, config);
  const auto url = running.Url("/", 0, "https");
  const std::vector<std::string> trust = {"--cacert", server_cert.cert_file};

  auto with_client = trust;
  with_client.insert(with_client.end(), {"--cert", client_cert.cert_file,
                                         "--key", client_cert.key_file});
  CHECK(Curl(url, with_client).status == 200);
  CHECK(Curl(url, trust).status == 0);
  auto with_stranger = trust;
  with_stranger.insert(with_stranger.end(), {"--cert", stranger_cert.cert_file,
                                             "--key", stranger_cert.key_file});
  CHECK(Curl(url, with_stranger).status == 0);
}

TEST_CASE("min_version TLS13 refuses TLS 1.2 clients") {
  TempDir dir;
  const auto server_cert = MakeSelfSignedCertificate(dir, "server");
  auto config = TlsConfig(server_cert);
  config->tls->min_version = TlsVersion::kTls13;
  RunningServer running(Hello, {"127.0.0.1:0"}, {}, config);
  const auto url = running.Url("/", 0, "https");
  CHECK(Curl(url, {"--cacert", server_cert.cert_file}).status == 200);
  CHECK(Curl(url, {"--cacert", server_cert.cert_file, "--tls-max", "1.2"})
            .status == 0);
}

TEST_CASE("basic auth admits the right password and challenges the rest") {
  auto config = std::make_shared<WebConfig>();
  config->basic_auth_users["prometheus"] =
      testing::BcryptHash("prometheus", "s3cret");
  RunningServer running(Hello, {"127.0.0.1:0"}, {}, config);
  const auto url = running.Url("/metrics");

  const auto right = Curl(url, {"-u", "prometheus:s3cret"});
  CHECK(right.status == 200);
  CHECK(right.body == "hello\n");
  CHECK(Curl(url, {"-u", "prometheus:s3cret"}).status == 200);  // remembered

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-u", "prometheus:wrong"}, {"-u", "nobody:s3cret"}, {}}) {
    const auto refused = Curl(url, args);
    CHECK(refused.status == 401);
    CHECK(refused.Header("WWW-Authenticate") == R"(Basic realm="replwatch")");
    CHECK(refused.body != "hello\n");
  }
}

TEST_CASE(
    "SetWebConfig switches auth at runtime and keeps the old config on "
    "failure") {
  RunningServer running(Hello, {"127.0.0.1:0"});
  const auto url = running.Url("/");
  CHECK(Curl(url).status == 200);

  auto with_auth = std::make_shared<WebConfig>();
  with_auth->basic_auth_users["u"] = testing::BcryptHash("u", "p");
  running.server().SetWebConfig(with_auth);
  CHECK(Curl(url).status == 401);
  CHECK(Curl(url, {"-u", "u:p"}).status == 200);

  auto broken_tls = std::make_shared<WebConfig>();
  broken_tls->tls = TlsServerConfig{};
  broken_tls->tls->cert_file = "/nonexistent/cert.pem";
  broken_tls->tls->key_file = "/nonexistent/key.pem";
  CHECK_THROWS(running.server().SetWebConfig(broken_tls));
  CHECK(Curl(url).status == 401);

  running.server().SetWebConfig(nullptr);
  CHECK(Curl(url).status == 200);
}

}  // namespace
}  // namespace replwatch::web

#include "web/http_server.h"

#include <stdexcept>
#include <string>

#include "testing/catch.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

using testing::Curl;
using testing::RunningServer;

// Large, repetitive and different from the request, so gzip is applied and
// a wrong decode would show.
std::string BigBody() {
  std::string body;
  for (int i = 0; body.size() < 20000; ++i) {
    body += "replwatch_metric{line=\"" + std::to_string(i) + "\"} 1\n";
  }
  return body;
}

Response TestHandler(const Request& request) {
  if (request.path == "/echo") {
    return {200,
            "text/plain; charset=utf-8",
            request.method + " " + request.path + " ?" + request.query + "\n",
            {}};
  }
  if (request.path == "/big") return {200, "text/plain", BigBody(), {}};
  if (request.path == "/throw") throw std::runtime_error("handler bug");
  return {404, "text/plain", "not found\n", {}};
}

TEST_CASE("GET returns the handler's status, content type and body") {
  RunningServer running(TestHandler, {"127.0.0.1:0"});
  const auto ok = Curl(running.Url("/echo?a=1&b=2"));
  CHECK(ok.exit_code == 0);
  CHECK(ok.status == 200);
  CHECK(ok.body == "GET /echo ?a=1&b=2\n");
  CHECK(ok.Header("Content-Type") == "text/plain; charset=utf-8");

  const auto missing = Curl(running.Url("/nope"));
  CHECK(missing.status == 404);
  CHECK(missing.body == "not found\n");
}

TEST_CASE("HEAD announces the GET length without sending a body") {
  RunningServer running(TestHandler, {"127.0.0.1:0"});
  testing::RawClient client(running.server().LocalEndpoints().at(0));
  client.Send("HEAD /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string response = client.ReadUntilClosed();
  CHECK(response.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK_THAT(
      response,
      Catch::Matchers::ContainsSubstring(
          "\r\nContent-Length: " + std::to_string(BigBody().size()) + "\r\n"));
  // Nothing follows the blank line that ends the head.
  CHECK(response.find("\r\n\r\n") + 4 == response.size());
}

TEST_CASE("methods other than GET and HEAD get 405 with Allow") {
  RunningServer running(TestHandler, {"127.0.0.1:0"});
  const auto post = Curl(running.Url("/echo"), {"-X", "POST", "-d", "x=1"});
  CHECK(post.status == 405);
  CHECK(post.Header("Allow") == "GET, HEAD");
}

TEST_CASE("an exception in the handler becomes a 500, the server lives on") {
  RunningServer running(TestHandler, {"127.0.0.1:0"});
  CHECK(Curl(running.Url("/throw")).status == 500);
  CHECK(Curl(running.Url("/echo")).status == 200);
}

TEST_CASE("large bodies are gzip-compressed only when the client asks") {
  RunningServer running(TestHandler, {"127.0.0.1:0"});
  const auto compressed = Curl(running.Url("/big"), {"--compressed"});
  CHECK(compressed.status == 200);
  CHECK(compressed.Header("Content-Encoding") == "gzip");
  CHECK(compressed.Header("Vary") == "Accept-Encoding");
  CHECK(std::stoul(compressed.Header("Content-Length")) < BigBody().size());
  CHECK(compressed.body == BigBody());  // curl decoded it back

  const auto plain = Curl(running.Url("/big"));
  CHECK(plain.Header("Content-Encoding").empty());
  CHECK(plain.body == BigBody());

  const auto small = Curl(running.Url("/echo"), {"--compressed"});
  CHECK(small.Header("Content-Encoding").empty());
}

TEST_CASE("serves IPv4 and IPv6 listeners, and :port on both families") {
  RunningServer explicit_families(TestHandler, {"127.0.0.1:0", "[::1]:0"});
  CHECK(Curl(explicit_families.Url("/echo", 0)).status == 200);
  CHECK(Curl(explicit_families.Url("/echo", 1)).status == 200);

  RunningServer any_address(TestHandler, {":0"});
  const auto port =
      std::to_string(any_address.server().LocalEndpoints().at(0).port());
  CHECK(Curl("http://127.0.0.1:" + port + "/echo").status == 200);
  CHECK(Curl("http://[::1]:" + port + "/echo").status == 200);
}

TEST_CASE("Listen reports the address that failed and binds nothing") {
  RunningServer running(TestHandler, {"127.0.0.1:0"});
  const auto taken =
      "127.0.0.1:" +
      std::to_string(running.server().LocalEndpoints().at(0).port());
  boost::asio::io_context io;
  HttpServer second(io, TestHandler);
  CHECK_THROWS_WITH(
      second.Listen({"127.0.0.1:0", taken}),
      Catch::Matchers::StartsWith("cannot listen on " + taken + ": "));
  CHECK_THROWS_WITH(
      second.Listen({"127.0.0.1:http"}),
      Catch::Matchers::StartsWith("cannot listen on 127.0.0.1:http: "));
  CHECK(second.LocalEndpoints().empty());
}

TEST_CASE("extra headers from http_server_config are sent") {
  auto config = std::make_shared<WebConfig>();
  config->response_headers["X-Frame-Options"] = "deny";
  RunningServer running(TestHandler, {"127.0.0.1:0"}, {}, config);
  CHECK(Curl(running.Url("/echo")).Header("X-Frame-Options") == "deny");
}

}  // namespace
}  // namespace replwatch::web

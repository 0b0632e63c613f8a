#include <string>

#include "testing/catch.h"
#include "web/http_server.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

using testing::Curl;
using testing::RawClient;
using testing::RunningServer;

Response Hello(const Request&) { return {200, "text/plain", "hello\n", {}}; }

TEST_CASE("keep-alive serves several requests on one connection") {
  RunningServer running(Hello, {"127.0.0.1:0"});
  const auto url = running.Url("/");
  const auto run =
      testing::Run({"curl", "-s", "-o", "/dev/null", "-o", "/dev/null", "-w",
                    "%{http_code}:%{num_connects} ", url, url});
  CHECK(run.output == "200:1 200:0 ");
}

TEST_CASE("oversized request headers are refused with 431") {
  ServerLimits limits;
  limits.max_header_bytes = 4096;
  RunningServer running(Hello, {"127.0.0.1:0"}, limits);
  const auto big =
      Curl(running.Url("/"), {"-H", "X-Padding: " + std::string(8000, 'a')});
  CHECK(big.status == 431);
  CHECK(Curl(running.Url("/"), {"-H", "X-Padding: small"}).status == 200);
}

TEST_CASE("garbage instead of HTTP gets 400 and a closed connection") {
  RunningServer running(Hello, {"127.0.0.1:0"});
  RawClient client(running.server().LocalEndpoints().at(0));
  client.Send("\x16\x03\x01 this is not http\r\n\r\n");
  const std::string answer = client.ReadUntilClosed();
  CHECK(answer.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(client.closed_by_server());
  CHECK(Curl(running.Url("/")).status == 200);
}

TEST_CASE("a stalled client neither blocks others nor stays open forever") {
  ServerLimits limits;
  limits.read_timeout = std::chrono::seconds(1);
  RunningServer running(Hello, {"127.0.0.1:0"}, limits);
  RawClient stalled(running.server().LocalEndpoints().at(0));
  stalled.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Half: ");

  const auto normal = Curl(running.Url("/"));
  CHECK(normal.status == 200);
  CHECK(normal.body == "hello\n");

  CHECK(stalled.ReadUntilClosed().empty());
  CHECK(stalled.closed_by_server());
}

TEST_CASE("a new connection beyond the limit closes an idle one") {
  ServerLimits limits;
  limits.max_connections = 1;
  RunningServer running(Hello, {"127.0.0.1:0"}, limits);
  RawClient idle(running.server().LocalEndpoints().at(0));
  // An answer proves the server has taken this connection before the next.
  idle.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(idle.ReadResponseHead().rfind("HTTP/1.1 200", 0) == 0);
  // Kept alive, it now waits for its next request: a newcomer takes its
  // place.
  CHECK(Curl(running.Url("/")).status == 200);
  CHECK(idle.ReadUntilClosed().empty());
  CHECK(idle.closed_by_server());
}

TEST_CASE("a new connection is refused while every connection is busy") {
  ServerLimits limits;
  limits.max_connections = 1;
  // A body far larger than the socket buffers keeps its write pending for
  // as long as the client does not read.
  const std::string huge(64 << 20, 'x');
  RunningServer running(
      [&huge](const Request&) {
        return Response{200, "text/plain", huge, {}};
      },
      {"127.0.0.1:0"}, limits);
  {
    RawClient busy(running.server().LocalEndpoints().at(0));
    busy.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(busy.ReadResponseHead().rfind("HTTP/1.1 200", 0) == 0);
    const auto refused = Curl(running.Url("/"));
    CHECK(refused.status == 0);
    CHECK(refused.exit_code != 0);
  }
  // The slot frees once the server notices the close; curl retries until
  // then (connection refused/reset counts as transient for --retry-all-errors).
  const auto after = Curl(running.Url("/"), {"--retry", "20", "--retry-delay",
                                             "1", "--retry-all-errors"});
  CHECK(after.status == 200);
}

}  // namespace
}  // namespace replwatch::web

#include "web/listen_address.h"

#include <stdexcept>

#include "testing/catch.h"

namespace replwatch::web {
namespace {

TEST_CASE("ParseListenAddress understands the three address forms") {
  const auto v4 = ParseListenAddress("127.0.0.1:9187");
  CHECK(v4.host == "127.0.0.1");
  CHECK(v4.port == 9187);
  const auto v6 = ParseListenAddress("[fe80::1%eth0]:0");
  CHECK(v6.host == "fe80::1%eth0");
  CHECK(v6.port == 0);
  const auto any = ParseListenAddress(":65535");
  CHECK(any.host.empty());
  CHECK(any.port == 65535);
  CHECK(ParseListenAddress("localhost:80").host == "localhost");
}

TEST_CASE("ParseListenAddress rejects malformed addresses") {
  for (const char* bad : {"", "9187", "127.0.0.1:", "127.0.0.1:65536",
                          "127.0.0.1:-1", "host:http", "::1:80", "[::1]80",
                          "[::1", "[]:80", "127.0.0.1:123456"}) {
    INFO(bad);
    CHECK_THROWS_AS(ParseListenAddress(bad), std::invalid_argument);
  }
}

}  // namespace
}  // namespace replwatch::web

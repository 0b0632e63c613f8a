#include "collectors/ip_network.h"

#include "testing/catch.h"

namespace replwatch {

TEST_CASE("ip networks: IPv4 and IPv6 containment", "[ip_network]") {
  const auto v4 = IpNetwork::Parse("10.1.2.0/24");
  REQUIRE(v4);
  CHECK(v4->Contains("10.1.2.7"));
  CHECK_FALSE(v4->Contains("10.1.3.7"));
  CHECK_FALSE(v4->Contains("fd00::1"));
  CHECK_FALSE(v4->Contains("10.1.2.7/24"));

  const auto odd = IpNetwork::Parse("198.18.0.5/26");  // host bits set
  REQUIRE(odd);
  CHECK(odd->Contains("198.18.0.63"));
  CHECK_FALSE(odd->Contains("198.18.0.64"));

  const auto v6 = IpNetwork::Parse("fd00:1:2::/48");
  REQUIRE(v6);
  CHECK(v6->Contains("fd00:1:2:ffff::9"));
  CHECK_FALSE(v6->Contains("fd00:1:3::9"));

  const auto all = IpNetwork::Parse("0.0.0.0/0");
  REQUIRE(all);
  CHECK(all->Contains("192.0.2.1"));
}

TEST_CASE("ip networks: what is not a network is refused", "[ip_network]") {
  for (const char* bad :
       {"", "10.1.2.0", "10.1.2.0/", "10.1.2.0/33", "10.1.2.0/-1",
        "10.1.2.0/2x", "fd00::/129", "host/24", "10.1.2.0/24/1"}) {
    CHECK_FALSE(IpNetwork::Parse(bad));
  }
}

}  // namespace replwatch

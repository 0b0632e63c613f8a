#include "collectors/parsers/ip_route_parser.h"

#include "testing/catch.h"
#include "text/parse_error.h"

namespace replwatch::parsers {

TEST_CASE("ip -j route get: the device of the route", "[ip_route]") {
  // iproute2 6.1 (Debian 12), captured in the lab's node namespace.
  CHECK(ParseRouteGetDevice(
            "[{\"dst\":\"198.18.0.12\",\"dev\":\"vmbr0\",\"prefsrc\":"
            "\"198.18.0.11\",\"flags\":[],\"uid\":0,\"cache\":[]}]\n") ==
        "vmbr0");
  // Through a gateway.
  CHECK(ParseRouteGetDevice("[{\"dst\":\"10.9.0.2\",\"gateway\":\"10.1.0.1\","
                            "\"dev\":\"bond0.20\",\"prefsrc\":\"10.1.0.5\","
                            "\"flags\":[],\"uid\":0,\"cache\":[]}]") ==
        "bond0.20");
}

TEST_CASE("ip -j route get: no route, no device, or not a name", "[ip_route]") {
  CHECK_THROWS_AS(ParseRouteGetDevice("[]"), text::ParseError);
  CHECK_THROWS_AS(ParseRouteGetDevice("[{\"dst\":\"10.0.0.2\"}]"),
                  text::ParseError);
  CHECK_THROWS_AS(ParseRouteGetDevice("[{\"dev\":\"a b\"}]"), text::ParseError);
  CHECK_THROWS_AS(ParseRouteGetDevice("[{\"dev\":\"0123456789abcdefg\"}]"),
                  text::ParseError);
  CHECK_THROWS_AS(ParseRouteGetDevice("{}"), text::ParseError);
}

}  // namespace replwatch::parsers

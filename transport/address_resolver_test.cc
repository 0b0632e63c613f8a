#include "transport/address_resolver.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "testing/catch.h"

namespace replwatch {
namespace {

std::chrono::steady_clock::time_point InSeconds(int seconds) {
  return std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
}

TEST_CASE("numeric addresses resolve to themselves", "[resolver]") {
  const std::atomic<bool> cancelled{false};
  const Resolution v4 =
      ResolveTcpAddress("198.18.0.11", 22, InSeconds(5), cancelled);
  REQUIRE(v4.addresses);
  CHECK(v4.error.empty());
  REQUIRE(v4.addresses->ai_family == AF_INET);
  const auto* in4 = reinterpret_cast<const sockaddr_in*>(v4.addresses->ai_addr);
  char text[INET6_ADDRSTRLEN];
  CHECK(std::string(inet_ntop(AF_INET, &in4->sin_addr, text, sizeof text)) ==
        "198.18.0.11");
  CHECK(ntohs(in4->sin_port) == 22);

  const Resolution v6 = ResolveTcpAddress("::1", 2222, InSeconds(5), cancelled);
  REQUIRE(v6.addresses);
  REQUIRE(v6.addresses->ai_family == AF_INET6);
  CHECK(ntohs(reinterpret_cast<const sockaddr_in6*>(v6.addresses->ai_addr)
                  ->sin6_port) == 2222);
}

TEST_CASE("names are looked up, and a failed lookup says why", "[resolver]") {
  const std::atomic<bool> cancelled{false};
  const Resolution local =
      ResolveTcpAddress("localhost", 22, InSeconds(5), cancelled);
  REQUIRE(local.addresses);
  CHECK(local.addresses->ai_socktype == SOCK_STREAM);
  // RFC 6761: .invalid never resolves.
  const Resolution none =
      ResolveTcpAddress("no-such-node.invalid", 22, InSeconds(5), cancelled);
  CHECK_FALSE(none.addresses);
  CHECK_THAT(none.error, Catch::Matchers::StartsWith("cannot resolve: "));
}

}  // namespace
}  // namespace replwatch

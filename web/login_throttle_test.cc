#include "web/login_throttle.h"

#include <string>

#include "testing/catch.h"

namespace replwatch::web {
namespace {

using Clock = LoginThrottle::Clock;
using std::chrono::milliseconds;

LoginThrottle::Limits SmallLimits() {
  LoginThrottle::Limits limits;
  limits.burst = 3;
  limits.refill = milliseconds(1000);
  limits.max_pending = 2;
  limits.max_clients = 2;
  return limits;
}

// Runs one check for `client` that fails (or succeeds); false if refused.
bool Check(LoginThrottle& throttle, const std::string& client,
           Clock::time_point at, bool accepted = false) {
  const auto bucket = throttle.Admit(client, at);
  if (!bucket) return false;
  throttle.Finished(*bucket, accepted);
  return true;
}

TEST_CASE("failed logins run a client bucket dry and it refills over time") {
  LoginThrottle throttle(SmallLimits());
  const auto start = Clock::now();
  for (int i = 0; i < 3; ++i) CHECK(Check(throttle, "10.0.0.1", start));
  CHECK_FALSE(Check(throttle, "10.0.0.1", start));
  CHECK(throttle.RetryAfterSeconds("10.0.0.1", start) == 1);
  // Another client has its own bucket.
  CHECK(Check(throttle, "10.0.0.2", start));
  CHECK_FALSE(Check(throttle, "10.0.0.1", start + milliseconds(900)));
  CHECK(Check(throttle, "10.0.0.1", start + milliseconds(1000)));
  CHECK_FALSE(Check(throttle, "10.0.0.1", start + milliseconds(1000)));
}

TEST_CASE("successful logins give their token back") {
  LoginThrottle throttle(SmallLimits());
  const auto start = Clock::now();
  for (int i = 0; i < 20; ++i) {
    CHECK(Check(throttle, "10.0.0.1", start, /*accepted=*/true));
  }
}

TEST_CASE("a client has at most max_pending checks queued") {
  LoginThrottle throttle(SmallLimits());
  const auto start = Clock::now();
  const auto first = throttle.Admit("10.0.0.1", start);
  const auto second = throttle.Admit("10.0.0.1", start);
  REQUIRE(first);
  REQUIRE(second);
  CHECK_FALSE(throttle.Admit("10.0.0.1", start));
  throttle.Finished(*first, true);
  CHECK(throttle.Admit("10.0.0.1", start));
}

TEST_CASE("buckets stay bounded however many clients come") {
  LoginThrottle throttle(SmallLimits());
  const auto start = Clock::now();
  // Two clients drain their buckets; a third and fourth share one.
  for (const char* client : {"10.0.0.1", "10.0.0.2"}) {
    for (int i = 0; i < 3; ++i) CHECK(Check(throttle, client, start));
  }
  for (int i = 0; i < 3; ++i) CHECK(Check(throttle, "10.0.0.3", start));
  CHECK_FALSE(Check(throttle, "10.0.0.4", start));
  // Once the first two have refilled, they are forgotten and make room.
  const auto later = start + milliseconds(3000);
  CHECK(Check(throttle, "10.0.0.5", later));
  CHECK(Check(throttle, "10.0.0.6", later));
}

TEST_CASE("ClientOf counts IPv4 by address and IPv6 by /64") {
  using boost::asio::ip::make_address;
  CHECK(ClientOf(make_address("192.0.2.7")) == "192.0.2.7");
  CHECK(ClientOf(make_address("::ffff:192.0.2.7")) == "192.0.2.7");
  CHECK(ClientOf(make_address("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64");
  CHECK(ClientOf(make_address("2001:db8:1:2:bbbb::2")) == "2001:db8:1:2::/64");
  CHECK(ClientOf(make_address("::1")) == "::/64");
}

}  // namespace
}  // namespace replwatch::web

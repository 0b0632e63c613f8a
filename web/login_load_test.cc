// A flood of wrong passwords while a valid user logs in and scrapes (see
// http_load_test.cc for the rules of these load tests).

#include <memory>
#include <string>

#include "testing/captured_log.h"
#include "testing/catch.h"
#include "web/hostile_clients.h"
#include "web/http_server.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

using testing::Curl;
using testing::FloodOptions;
using testing::HostileClients;
using testing::RunningServer;

Response Hello(const Request&) { return {200, "text/plain", "hello\n", {}}; }

TEST_CASE("a flood of wrong passwords does not keep a valid user out",
          "[load]") {
  auto config = std::make_shared<WebConfig>();
  // Cost 12: a quarter of a second per check here, four times the cost 10
  // that htpasswd -B makes by default.
  config->basic_auth_users["prometheus"] =
      testing::BcryptHash("prometheus", "s3cret", 12);
  replwatch::testing::CapturedLog log;
  RunningServer running(Hello, {"127.0.0.1:0"}, {}, config);
  FloodOptions wrong;
  wrong.server = running.server().LocalEndpoints().at(0);
  wrong.hostility = testing::Hostility::kRepeat;
  wrong.connections = 100;
  wrong.headers = {"Authorization: Basic cHJvbWV0aGV1czp3cm9uZw=="};
  wrong.source = boost::asio::ip::make_address("127.0.0.2");
  HostileClients flood(wrong);
  REQUIRE(testing::WaitFor(
      [&] { return flood.answers(401) + flood.answers(429) >= 10; },
      std::chrono::seconds(30)));

  // The first scrape's password is checked (not remembered yet), then it
  // is remembered.
  testing::ExpectEveryScrapeAnswered(running.Url("/metrics"), 5,
                                     {"-u", "prometheus:s3cret"});

  // The flood's address is over its limit: 429 at once, with a hint when to
  // come back, and one log line for all of it. A connection of that address
  // may be closed unanswered: the flood's next one evicts its longest-waiting
  // connection (ServerLimits::max_waiting_per_client), which on a busy
  // machine can be this one; so ask until an answer comes.
  CHECK(flood.answers(429) > 0);
  testing::CurlResult refused;
  REQUIRE(testing::WaitFor(
      [&] {
        refused = Curl(running.Url("/metrics"),
                       {"--interface", "127.0.0.2", "-u", "prometheus:wrong"});
        return refused.status != 0;
      },
      std::chrono::seconds(60)));
  CHECK(refused.status == 429);
  CHECK(std::stoi(refused.Header("Retry-After")) >= 1);
  CHECK(log.CountContaining("over its login limit") == 1);
}

}  // namespace
}  // namespace replwatch::web

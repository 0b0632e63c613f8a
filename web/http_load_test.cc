// Load tests on loopback: hostile clients hold the server's connections or
// its worker threads while a well-behaved scraper (the real curl) scrapes.
// Prometheus gives up on a scrape after 10 s by default, so that is the one
// time bound asserted; how fast the scraper really is under each attack is
// bench/run-attack-bench.sh's business, not a test's.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "testing/captured_log.h"
#include "testing/catch.h"
#include "web/hostile_clients.h"
#include "web/http_server.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

using testing::ExpectEveryScrapeAnswered;
using testing::FloodOptions;
using testing::HostileClients;
using testing::Hostility;
using testing::RunningServer;
using testing::WaitFor;

constexpr std::chrono::seconds kFloodSetUp{30};

Response Hello(const Request&) { return {200, "text/plain", "hello\n", {}}; }

boost::asio::ip::address Loopback(int last_byte) {
  return boost::asio::ip::make_address("127.0.0." + std::to_string(last_byte));
}

// Raises the soft descriptor limit to the hard one; returns the new limit.
rlim_t RaiseDescriptorLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

TEST_CASE("128 slow clients do not lock a scraper out", "[load]") {
  replwatch::testing::CapturedLog log;
  RunningServer running(Hello, {"127.0.0.1:0"});
  const auto server = running.server().LocalEndpoints().at(0);
  // 128 connections, 32 from each of four addresses: they fill the table
  // without any address going over its own limit.
  std::vector<std::unique_ptr<HostileClients>> floods;
  for (int address = 2; address <= 5; ++address) {
    FloodOptions slow;
    slow.server = server;
    slow.hostility = Hostility::kSlow;
    slow.connections = 32;
    slow.source = Loopback(address);
    floods.push_back(std::make_unique<HostileClients>(slow));
  }
  const auto open = [&] {
    std::size_t total = 0;
    for (const auto& flood : floods) total += flood->open();
    return total;
  };
  REQUIRE(WaitFor([&] { return open() == 128; }, kFloodSetUp));

  ExpectEveryScrapeAnswered(running.Url("/"), 10);
  // Each scrape closed the slow connection that had waited longest; that is
  // logged once when it starts, not once per connection.
  CHECK(log.CountContaining("which waited longest") == 1);
}

TEST_CASE("thousands of idle connections do not lock a scraper out", "[load]") {
  // The flood's and the server's descriptors live in this one process.
  const rlim_t descriptors = RaiseDescriptorLimit();
  REQUIRE(descriptors > 1024);
  const std::size_t flood_size =
      std::min<std::size_t>(2000, static_cast<std::size_t>(descriptors) - 512);
  RunningServer running(Hello, {"127.0.0.1:0"});
  FloodOptions idle;
  idle.server = running.server().LocalEndpoints().at(0);
  idle.hostility = Hostility::kIdle;
  idle.connections = flood_size;
  // From another address, as an attacker would come: the per-address limit
  // keeps the flood to its own slots. (From the scraper's own address the
  // server cannot tell them apart: a scraper whose request has not arrived
  // when the flood's next connection is accepted can lose its place, and a
  // starved 2-core machine made that happen in CI.)
  idle.source = Loopback(2);
  HostileClients flood(idle);
  // The server closes the flood's connections as fast as they come, so
  // only the ones still in its accept queue stay open for long.
  REQUIRE(WaitFor([&] { return flood.closed_by_server() >= flood_size; },
                  kFloodSetUp));

  ExpectEveryScrapeAnswered(running.Url("/"), 10);
}

}  // namespace
}  // namespace replwatch::web

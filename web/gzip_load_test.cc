// gzip clients on a large exposition while a plain scraper scrapes (see
// http_load_test.cc for the rules of these load tests).

#include <memory>
#include <mutex>
#include <string>

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

constexpr std::size_t kLargeExpositionBytes = 32 << 20;

// About `bytes` of exposition text whose sample values vary (from `seed`), so
// it compresses like a real exposition rather than like one repeated line.
std::string Exposition(std::size_t bytes, std::uint64_t seed) {
  std::string text;
  text.reserve(bytes + 128);
  for (std::size_t i = 0; text.size() < bytes; ++i) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    text += "replwatch_volume_bytes{pve_cluster=\"c1\",node=\"pve" +
            std::to_string(i % 7) + "\",volume=\"rpool/data/vm-" +
            std::to_string(i) + "-disk-0\"} " + std::to_string(seed >> 30) +
            "\n";
  }
  return text;
}

// Serves one shared exposition that the test may replace, as the daemon
// serves its cached one.
class ChangingExposition {
 public:
  explicit ChangingExposition(std::string text)
      : current_(std::make_shared<const std::string>(std::move(text))) {}

  Response Serve() {
    std::lock_guard<std::mutex> lock(mutex_);
    Response response;
    response.shared_body = current_;
    return response;
  }

  void Replace(std::string text) {
    auto next = std::make_shared<const std::string>(std::move(text));
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = std::move(next);
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<const std::string> current_;
};

TEST_CASE("gzip clients on a large exposition do not delay a plain scraper",
          "[load]") {
  ChangingExposition exposition(Exposition(kLargeExpositionBytes, 1));
  RunningServer running(
      [&exposition](const Request&) { return exposition.Serve(); },
      {"127.0.0.1:0"});
  FloodOptions gzip;
  gzip.server = running.server().LocalEndpoints().at(0);
  gzip.hostility = testing::Hostility::kRepeat;
  gzip.connections = 64;
  gzip.headers = {"Accept-Encoding: gzip"};
  gzip.source = boost::asio::ip::make_address("127.0.0.2");
  HostileClients flood(gzip);
  REQUIRE(testing::WaitFor([&] { return flood.answers(200) >= 64; },
                           std::chrono::seconds(120)));

  testing::ExpectEveryScrapeAnswered(running.Url("/metrics"), 5);

  // After a change, gzip clients get the new exposition, never the one
  // compressed before.
  const std::string changed = Exposition(1 << 20, 2);
  exposition.Replace(changed);
  const auto fresh = Curl(running.Url("/metrics"), {"--compressed"});
  CHECK(fresh.status == 200);
  CHECK(fresh.Header("Content-Encoding") == "gzip");
  CHECK(fresh.body == changed);
}

}  // namespace
}  // namespace replwatch::web

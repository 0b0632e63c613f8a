#include "web/episode_log.h"

#include <boost/asio/post.hpp>
#include <string>

#include "testing/captured_log.h"
#include "testing/catch.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

TEST_CASE("an episode is logged in three lines however many events it has") {
  replwatch::testing::CapturedLog log;
  boost::asio::io_context io;
  EpisodeLog episode(io, "test shedding", std::chrono::milliseconds(50));
  for (int i = 0; i < 1000; ++i) episode.Record("first of many");
  CHECK(episode.active());
  // Runs the timer until an interval passes without events.
  io.run();
  CHECK_FALSE(episode.active());
  CHECK(log.CountContaining("web: first of many") == 1);
  CHECK(log.CountContaining(
            "web: test shedding: 999 more in the last 0.05 s") == 1);
  CHECK(log.CountContaining(
            "web: test shedding over: none in the last 0.05 s") == 1);

  // A new event after the end starts a new episode.
  episode.Record("second episode");
  CHECK(episode.active());
  io.restart();
  io.run();
  CHECK(log.CountContaining("web: second episode") == 1);
  CHECK(log.CountContaining("test shedding over") == 2);
}

TEST_CASE("a stopped episode log holds no io work and logs nothing more") {
  replwatch::testing::CapturedLog log;
  boost::asio::io_context io;
  EpisodeLog episode(io, "test stop", std::chrono::hours(1));
  episode.Record("before stop");
  episode.Stop();
  episode.Record("after stop");
  io.run();  // Returns at once: the hour-long timer was cancelled.
  CHECK(log.CountContaining("before stop") == 1);
  CHECK(log.CountContaining("after stop") == 0);
  CHECK(log.CountContaining("test stop") == 0);
}

}  // namespace
}  // namespace replwatch::web

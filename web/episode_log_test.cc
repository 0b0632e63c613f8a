#include "web/episode_log.h"

#include <boost/asio/post.hpp>
#include <string>

#include "testing/catch.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

TEST_CASE("an episode is logged in three lines however many events it has") {
  testing::CapturedLog log;
  boost::asio::io_context io;
  EpisodeLog episode(io, "test shedding", std::chrono::milliseconds(50));
  for (int i = 0; i < 1000; ++i) episode.Record("first of many");
  CHECK(episode.active());
  // Runs the timer until an interval passes without events.
  io.run();
  CHECK_FALSE(episode.active());
  CHECK(log.LinesWith("web: first of many").size() == 1);
  CHECK(
      log.LinesWith("web: test shedding: 999 more in the last 0.05 s").size() ==
      1);
  CHECK(log.LinesWith("web: test shedding over: none in the last 0.05 s")
            .size() == 1);

  // A new event after the end starts a new episode.
  episode.Record("second episode");
  CHECK(episode.active());
  io.restart();
  io.run();
  CHECK(log.LinesWith("web: second episode").size() == 1);
  CHECK(log.LinesWith("test shedding over").size() == 2);
}

TEST_CASE("a stopped episode log holds no io work and logs nothing more") {
  testing::CapturedLog log;
  boost::asio::io_context io;
  EpisodeLog episode(io, "test stop", std::chrono::hours(1));
  episode.Record("before stop");
  episode.Stop();
  episode.Record("after stop");
  io.run();  // Returns at once: the hour-long timer was cancelled.
  CHECK(log.LinesWith("before stop").size() == 1);
  CHECK(log.LinesWith("after stop").empty());
  CHECK(log.LinesWith("test stop").empty());
}

}  // namespace
}  // namespace replwatch::web

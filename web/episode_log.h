#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).

namespace replwatch::web {

// Logs something that happens per connection or per request (load shedding,
// rate limiting) in a bounded number of lines however often it happens: a
// warning for the first event, then at most one line per interval with the
// count of further events, and one line when an interval passes without any.
// io_context thread only.
class EpisodeLog {
 public:
  // `topic` names the episode in its lines, e.g. "load shedding".
  EpisodeLog(boost::asio::io_context& io, std::string topic,
             std::chrono::milliseconds interval);

  // Counts one event; `first_line` is logged if it starts an episode.
  void Record(std::string_view first_line);
  bool active() const { return active_; }
  // Ends the episode without a line, so the server holds no io work.
  void Stop();

 private:
  void Arm();
  void OnInterval();

  const std::string topic_;
  const std::chrono::milliseconds interval_;
  boost::asio::steady_timer timer_;
  bool active_ = false;
  bool stopped_ = false;
  std::size_t unreported_ = 0;
};

}  // namespace replwatch::web

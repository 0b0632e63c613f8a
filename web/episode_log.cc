#include "web/episode_log.h"

#include <spdlog/spdlog.h>

namespace replwatch::web {

EpisodeLog::EpisodeLog(boost::asio::io_context& io, std::string topic,
                       std::chrono::milliseconds interval)
    : topic_(std::move(topic)), interval_(interval), timer_(io) {}

void EpisodeLog::Record(std::string_view first_line) {
  if (stopped_) return;
  if (active_) {
    ++unreported_;
    return;
  }
  spdlog::warn("web: {}", first_line);
  active_ = true;
  Arm();
}

void EpisodeLog::Stop() {
  stopped_ = true;
  active_ = false;
  timer_.cancel();
}

void EpisodeLog::Arm() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error && !stopped_) OnInterval();
  });
}

void EpisodeLog::OnInterval() {
  const double seconds = std::chrono::duration<double>(interval_).count();
  if (unreported_ == 0) {
    spdlog::info("web: {} over: none in the last {:g} s", topic_, seconds);
    active_ = false;
    return;
  }
  spdlog::warn("web: {}: {} more in the last {:g} s", topic_, unreported_,
               seconds);
  unreported_ = 0;
  Arm();
}

}  // namespace replwatch::web

#pragma once

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace replwatch::testing {

/// Sends spdlog's default logger to a ring buffer for one test (the last
/// 64 lines at info level and above).
class CapturedLog {
 public:
  CapturedLog()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)),
        previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink_));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }

  std::size_t CountContaining(const std::string& text) const {
    std::size_t count = 0;
    for (const auto& line : sink_->last_formatted()) {
      if (line.find(text) != std::string::npos) ++count;
    }
    return count;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace replwatch::testing

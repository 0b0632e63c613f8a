#include "collectors/jobs_schedule.h"

#include <spdlog/spdlog.h>

#include "collectors/parsers/calendar_event.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::jobs {

std::optional<double> ScheduleIntervals::Get(const std::string& schedule,
                                             const std::string& job_id) {
  used_.insert(schedule);
  const auto cached = cache_.find(schedule);
  if (cached != cache_.end()) return cached->second;
  std::optional<double> interval;
  try {
    interval = static_cast<double>(parsers::ScheduleIntervalSeconds(schedule));
  } catch (const text::ParseError& e) {
    spdlog::warn(
        "replication job {}: schedule '{}' not understood ({}); its "
        "interval metric is left out",
        job_id, text::Printable(schedule, 128), e.what());
  }
  cache_.emplace(schedule, interval);
  return interval;
}

void ScheduleIntervals::EndCycle() {
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = used_.count(it->first) != 0 ? std::next(it) : cache_.erase(it);
  }
  used_.clear();
}

}  // namespace replwatch::jobs

#include "collectors/scheduled_starts.h"

#include <cmath>

namespace replwatch {

std::vector<double> ScheduledStarts(const parsers::CalendarEvent& schedule,
                                    double from, double horizon_seconds,
                                    std::int64_t utc_offset_seconds) {
  const auto local_from =
      static_cast<std::int64_t>(std::floor(from)) + utc_offset_seconds;
  const auto local_to =
      local_from + static_cast<std::int64_t>(std::ceil(horizon_seconds));
  std::vector<double> starts;
  for (const std::int64_t local : parsers::CalendarEventTimes(
           schedule, local_from, local_to, kMaxScheduledRuns)) {
    starts.push_back(static_cast<double>(local - utc_offset_seconds));
  }
  return starts;
}

}  // namespace replwatch

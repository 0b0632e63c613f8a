#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "collectors/parsers/calendar_event.h"

namespace replwatch {

/// Upper bound on the runs one schedule contributes: a week of a
/// per-minute schedule. Finer schedules (seconds) are cut there.
inline constexpr std::size_t kMaxScheduledRuns = 7 * 24 * 60;

/// The starts of `schedule`'s events in [from, from + horizon_seconds), the
/// schedule read in a zone `utc_offset_seconds` ahead of UTC, as epoch
/// seconds. At most kMaxScheduledRuns.
std::vector<double> ScheduledStarts(const parsers::CalendarEvent& schedule,
                                    double from, double horizon_seconds,
                                    std::int64_t utc_offset_seconds);

}  // namespace replwatch

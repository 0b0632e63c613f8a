#pragma once

#include <cstdint>
#include <vector>

#include "collectors/parsers/calendar_event.h"

namespace replwatch {

/// [start, end) in epoch seconds.
struct TimeSpan {
  double start = 0;
  double end = 0;
};

/// The starts of `schedule`'s events in [from, from + horizon_seconds), the
/// schedule read in a zone `utc_offset_seconds` ahead of UTC, as epoch
/// seconds. At most kMaxScheduledRuns.
std::vector<double> ScheduledStarts(const parsers::CalendarEvent& schedule,
                                    double from, double horizon_seconds,
                                    std::int64_t utc_offset_seconds);

/// A span of `duration_seconds` from each of `starts`.
std::vector<TimeSpan> SpansFrom(const std::vector<double>& starts,
                                double duration_seconds);

/// Upper bound on the runs one schedule contributes: a week of a
/// per-minute schedule. Finer schedules (seconds) are cut there.
inline constexpr std::size_t kMaxScheduledRuns = 7 * 24 * 60;

/// The time covered by at least one of `spans`, as disjoint spans in order.
std::vector<TimeSpan> UnionOf(std::vector<TimeSpan> spans);

/// Seconds covered by `disjoint` (a UnionOf result).
double LengthOf(const std::vector<TimeSpan>& disjoint);

/// Seconds covered by both `a` and `b` (UnionOf results).
double OverlapOf(const std::vector<TimeSpan>& a,
                 const std::vector<TimeSpan>& b);

}  // namespace replwatch

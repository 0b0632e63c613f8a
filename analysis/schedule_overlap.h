#pragma once

#include <vector>

namespace replwatch {

/// [start, end) in epoch seconds.
struct TimeSpan {
  double start = 0;
  double end = 0;
};

/// A span of `duration_seconds` from each of `starts`.
std::vector<TimeSpan> SpansFrom(const std::vector<double>& starts,
                                double duration_seconds);

/// The time covered by at least one of `spans`, as disjoint spans in order.
std::vector<TimeSpan> UnionOf(std::vector<TimeSpan> spans);

/// Seconds covered by `disjoint` (a UnionOf result).
double LengthOf(const std::vector<TimeSpan>& disjoint);

/// Seconds covered by both `a` and `b` (UnionOf results).
double OverlapOf(const std::vector<TimeSpan>& a,
                 const std::vector<TimeSpan>& b);

}  // namespace replwatch

#include "analysis/schedule_overlap.h"

#include <algorithm>

namespace replwatch {

std::vector<TimeSpan> UnionOf(std::vector<TimeSpan> spans) {
  std::sort(
      spans.begin(), spans.end(),
      [](const TimeSpan& x, const TimeSpan& y) { return x.start < y.start; });
  std::vector<TimeSpan> merged;
  for (const TimeSpan& span : spans) {
    if (span.end <= span.start) continue;
    if (!merged.empty() && span.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, span.end);
    } else {
      merged.push_back(span);
    }
  }
  return merged;
}

std::vector<TimeSpan> SpansFrom(const std::vector<double>& starts,
                                double duration_seconds) {
  std::vector<TimeSpan> spans;
  spans.reserve(starts.size());
  for (const double start : starts) {
    spans.push_back({start, start + duration_seconds});
  }
  return spans;
}

double LengthOf(const std::vector<TimeSpan>& disjoint) {
  double total = 0;
  for (const TimeSpan& span : disjoint) total += span.end - span.start;
  return total;
}

double OverlapOf(const std::vector<TimeSpan>& x,
                 const std::vector<TimeSpan>& y) {
  double total = 0;
  std::size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    const double start = std::max(x[i].start, y[j].start);
    const double end = std::min(x[i].end, y[j].end);
    if (end > start) total += end - start;
    if (x[i].end < y[j].end) {
      ++i;
    } else {
      ++j;
    }
  }
  return total;
}

}  // namespace replwatch

#pragma once

#include <cmath>
#include <cstdint>

// Bounds on numbers read from nodes. A value outside them is corrupt or
// hostile: parsers treat it as not reported (with a warning), so it never
// reaches a series or an alert.
namespace replwatch::text {

/// 2^35 s is the year 3058; a negative epoch is before 1970.
constexpr std::int64_t kMaxEpochSeconds = std::int64_t{1} << 35;
/// No replication run, scan or clock offset takes ten years.
constexpr double kMaxDurationSeconds = 10 * 365.25 * 86400;
/// Pool capacity and fragmentation, as a ratio; zpool prints at most a few
/// hundred percent for a scan that found more than it estimated.
constexpr double kMaxRatio = 10;

inline bool IsPlausibleEpoch(double seconds) {
  return std::isfinite(seconds) && seconds >= 0 &&
         seconds <= static_cast<double>(kMaxEpochSeconds);
}

inline bool IsPlausibleDuration(double seconds) {
  return std::isfinite(seconds) && seconds >= 0 &&
         seconds <= kMaxDurationSeconds;
}

inline bool IsPlausibleRatio(double ratio) {
  return std::isfinite(ratio) && ratio >= 0 && ratio <= kMaxRatio;
}

}  // namespace replwatch::text

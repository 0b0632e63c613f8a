#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace replwatch::parsers {

/// A wall-clock time as printed by a node in its own (unknown) time zone.
struct LocalDateTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;

  bool operator==(const LocalDateTime& o) const {
    return year == o.year && month == o.month && day == o.day &&
           hour == o.hour && minute == o.minute && second == o.second;
  }
};

/// Days in `month` (1..12) of `year`, Gregorian.
int DaysInMonth(int year, int month);

/// C-locale ctime() text: "Sun Feb  4 20:54:25 2024" (weekday is checked
/// for form only). nullopt for anything else, e.g. localized dates.
std::optional<LocalDateTime> ParseCtime(std::string_view text);

/// strftime("%F %H:%M:%S") as printed in replication logs.
std::optional<LocalDateTime> ParseLogTimestamp(std::string_view text);

/// Epoch seconds of `local` on a node whose clock is `utc_offset_seconds`
/// ahead of UTC (e.g. +3600 for CET).
std::int64_t LocalToEpoch(const LocalDateTime& local,
                          std::int64_t utc_offset_seconds);

}  // namespace replwatch::parsers

#include "collectors/parsers/local_time.h"

#include <array>

#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

bool Valid(const LocalDateTime& t) {
  if (t.year < 1970 || t.year > 9999 || t.month < 1 || t.month > 12)
    return false;
  return t.day >= 1 && t.day <= DaysInMonth(t.year, t.month) && t.hour >= 0 &&
         t.hour <= 23 && t.minute >= 0 && t.minute <= 59 && t.second >= 0 &&
         t.second <= 60;
}

// Fixed-width unsigned decimal field.
std::optional<int> Digits(std::string_view s, std::size_t at, std::size_t len) {
  if (at + len > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

// "YYYY-MM-DD?HH:MM:SS" with `separator` between date and time.
std::optional<LocalDateTime> ParseIsoLike(std::string_view s, char separator) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != separator ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const auto y = Digits(s, 0, 4), mo = Digits(s, 5, 2), d = Digits(s, 8, 2);
  const auto h = Digits(s, 11, 2), mi = Digits(s, 14, 2), se = Digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  const LocalDateTime t{*y, *mo, *d, *h, *mi, *se};
  if (!Valid(t)) return std::nullopt;
  return t;
}

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<LocalDateTime> ParseCtime(std::string_view text) {
  static constexpr std::array<std::string_view, 7> kWeekdays = {
      "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun",
      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string_view rest = text::TrimSpace(text);
  const std::string_view weekday = text::NextField(&rest);
  const std::string_view month = text::NextField(&rest);
  const std::string_view day = text::NextField(&rest);
  const std::string_view clock = text::NextField(&rest);
  const std::string_view year = text::NextField(&rest);
  if (!text::TrimSpace(rest).empty() || clock.size() != 8 || clock[2] != ':' ||
      clock[5] != ':' || year.size() != 4 || day.empty() || day.size() > 2) {
    return std::nullopt;
  }
  bool weekday_ok = false;
  for (const auto w : kWeekdays) weekday_ok |= w == weekday;
  LocalDateTime t;
  t.month = 0;
  for (int i = 0; i < 12; ++i) {
    if (kMonths[i] == month) t.month = i + 1;
  }
  const auto d = Digits(day, 0, day.size()), y = Digits(year, 0, 4);
  const auto h = Digits(clock, 0, 2), mi = Digits(clock, 3, 2),
             se = Digits(clock, 6, 2);
  if (!weekday_ok || !d || !y || !h || !mi || !se) return std::nullopt;
  t.year = *y, t.day = *d, t.hour = *h, t.minute = *mi, t.second = *se;
  if (!Valid(t)) return std::nullopt;
  return t;
}

std::optional<LocalDateTime> ParseLogTimestamp(std::string_view text) {
  return ParseIsoLike(text, ' ');
}

std::int64_t LocalToEpoch(const LocalDateTime& t,
                          std::int64_t utc_offset_seconds) {
  // Days from civil (H. Hinnant's algorithm), valid for the proleptic
  // Gregorian calendar.
  const std::int64_t y = t.year - (t.month <= 2 ? 1 : 0);
  const std::int64_t era = y / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (t.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + t.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second -
         utc_offset_seconds;
}

}  // namespace replwatch::parsers

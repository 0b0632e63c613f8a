#include "collectors/parsers/calendar_event.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "collectors/parsers/local_time.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

[[noreturn]] void Fail(std::string_view spec, const std::string& why) {
  throw text::ParseError("invalid calendar event '" + text::Printable(spec) +
                         "': " + why);
}

int ParseWeekday(std::string_view spec, std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  static constexpr std::array<std::string_view, 7> kLong = {
      "monday", "tuesday",  "wednesday", "thursday",
      "friday", "saturday", "sunday"};
  std::string lower(name);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < 7; ++i) {
    if (lower == kNames[i] || lower == kLong[i]) return i;
  }
  Fail(spec, "unknown weekday '" + text::Printable(name) + "'");
}

CalendarEvent::Field ParseWeekdays(std::string_view spec,
                                   std::string_view text) {
  if (text.back() == ',') Fail(spec, "empty weekday");
  CalendarEvent::Field field;
  while (!text.empty()) {
    std::string_view item = text::SplitAt(&text, ',');
    const std::size_t dots = item.find("..");
    const int from = ParseWeekday(spec, item.substr(0, dots));
    const int to = dots == std::string_view::npos
                       ? from
                       : ParseWeekday(spec, item.substr(dots + 2));
    if (to < from) Fail(spec, "weekday range goes backwards");
    field.push_back({from, to, 1});
  }
  return field;
}

int ParseValue(std::string_view spec, std::string_view text, int lo, int hi) {
  const auto value = text::ParseUint64(text);
  if (!value || *value < static_cast<std::uint64_t>(lo) ||
      *value > static_cast<std::uint64_t>(hi)) {
    Fail(spec, "value '" + text::Printable(text) + "' outside " +
                   std::to_string(lo) + ".." + std::to_string(hi));
  }
  return static_cast<int>(*value);
}

// Comma list of `*`, `n`, `a..b`, each optionally followed by `/step`.
CalendarEvent::Field ParseNumeric(std::string_view spec, std::string_view text,
                                  int lo, int hi) {
  if (text.empty() || text.back() == ',') Fail(spec, "empty field");
  CalendarEvent::Field field;
  while (!text.empty()) {
    std::string_view item = text::SplitAt(&text, ',');
    if (item.empty()) Fail(spec, "empty list item");
    const std::size_t slash = item.find('/');
    int step = 1;
    if (slash != std::string_view::npos) {
      step = ParseValue(spec, item.substr(slash + 1), 1, hi - lo + 1);
      item = item.substr(0, slash);
    }
    CalendarEvent::Range range{lo, hi, step};
    if (item != "*") {
      const std::size_t dots = item.find("..");
      range.from = ParseValue(spec, item.substr(0, dots), lo, hi);
      range.to = dots != std::string_view::npos
                     ? ParseValue(spec, item.substr(dots + 2), lo, hi)
                     : (slash != std::string_view::npos ? hi : range.from);
      if (range.to < range.from) Fail(spec, "range goes backwards");
    } else if (slash == std::string_view::npos) {
      return {};  // '*' makes the whole field unrestricted
    }
    field.push_back(range);
  }
  return field;
}

bool Matches(const CalendarEvent::Field& field, int value) {
  if (field.empty()) return true;
  for (const auto& r : field) {
    if (value >= r.from && value <= r.to && (value - r.from) % r.step == 0)
      return true;
  }
  return false;
}

std::string_view ExpandKeyword(std::string_view spec) {
  struct Keyword {
    std::string_view name;
    std::string_view expansion;
  };
  static constexpr Keyword kKeywords[] = {
      {"minutely", "*-*-* *:*:00"},
      {"hourly", "*-*-* *:00:00"},
      {"daily", "*-*-* 00:00:00"},
      {"weekly", "mon *-*-* 00:00:00"},
      {"monthly", "*-*-01 00:00:00"},
      {"yearly", "*-01-01 00:00:00"},
      {"annually", "*-01-01 00:00:00"},
      {"quarterly", "*-01,04,07,10-01 00:00:00"},
      {"semiannually", "*-01,07-01 00:00:00"},
      {"semi-annually", "*-01,07-01 00:00:00"},
  };
  for (const Keyword& k : kKeywords) {
    if (spec == k.name) return k.expansion;
  }
  return spec;
}

// Seconds of the day at which `event` fires, ascending.
std::vector<int> TimesOfDay(const CalendarEvent& event) {
  std::vector<int> times;
  for (int h = 0; h < 24; ++h) {
    if (!Matches(event.hours, h)) continue;
    for (int m = 0; m < 60; ++m) {
      if (!Matches(event.minutes, m)) continue;
      for (int s = 0; s < 60; ++s) {
        if (Matches(event.seconds, s)) times.push_back(h * 3600 + m * 60 + s);
      }
    }
  }
  return times;
}

// Civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
void CivilFromDays(std::int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe =
      (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2 ? 1 : 0));
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

CalendarEvent ParseCalendarEvent(std::string_view spec) {
  std::string_view rest = ExpandKeyword(text::TrimSpace(spec));
  if (rest.empty()) Fail(spec, "empty");
  if (rest.size() > 128) Fail(spec, "longer than 128 characters");
  CalendarEvent event;
  std::string_view token = text::NextField(&rest);
  if (token.back() == '-' || token.back() == ':') Fail(spec, "empty field");
  bool have_day_part = false;
  if (std::isalpha(static_cast<unsigned char>(token[0]))) {
    event.weekdays = ParseWeekdays(spec, token);
    have_day_part = true;
    token = text::NextField(&rest);
    if (!token.empty() && (token.back() == '-' || token.back() == ':'))
      Fail(spec, "empty field");
  }
  if (!token.empty() && token.find('-') != std::string_view::npos) {
    std::string_view parts[3];
    std::size_t count = 0;
    while (!token.empty() && count < 3)
      parts[count++] = text::SplitAt(&token, '-');
    if (!token.empty() || count < 2) Fail(spec, "bad date");
    const std::size_t m = count - 2;
    if (count == 3) event.years = ParseNumeric(spec, parts[0], 1970, 9999);
    event.months = ParseNumeric(spec, parts[m], 1, 12);
    event.days = ParseNumeric(spec, parts[m + 1], 1, 31);
    have_day_part = true;
    token = text::NextField(&rest);
    if (!token.empty() && token.back() == ':') Fail(spec, "empty field");
  }
  if (!token.empty()) {
    std::string_view parts[3];
    std::size_t count = 0;
    while (!token.empty() && count < 3)
      parts[count++] = text::SplitAt(&token, ':');
    if (!token.empty()) Fail(spec, "bad time");
    if (count == 1) {
      event.minutes = ParseNumeric(spec, parts[0], 0, 59);
    } else {
      event.hours = ParseNumeric(spec, parts[0], 0, 23);
      event.minutes = ParseNumeric(spec, parts[1], 0, 59);
    }
    event.seconds = count == 3 ? ParseNumeric(spec, parts[2], 0, 59)
                               : CalendarEvent::Field{{0, 0, 1}};
  } else if (have_day_part) {
    event.hours = event.minutes = event.seconds = {{0, 0, 1}};
  }
  if (!text::TrimSpace(rest).empty()) Fail(spec, "unexpected trailing text");
  return event;
}

std::int64_t CalendarEventIntervalSeconds(const CalendarEvent& event) {
  const std::vector<int> times = TimesOfDay(event);
  std::int64_t max_gap = 0;
  for (std::size_t i = 1; i < times.size(); ++i) {
    max_gap = std::max<std::int64_t>(max_gap, times[i] - times[i - 1]);
  }
  std::int64_t previous = -1;
  std::int64_t events = 0;
  std::int64_t day_index = 0;
  int weekday = 0;  // 2024-01-01 was a Monday
  for (int y = 2024; y < 2032 && !times.empty(); ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= DaysInMonth(y, m);
           ++d, ++day_index, weekday = (weekday + 1) % 7) {
        if (!Matches(event.weekdays, weekday) || !Matches(event.years, y) ||
            !Matches(event.months, m) || !Matches(event.days, d)) {
          continue;
        }
        const std::int64_t start = day_index * 86400;
        if (previous >= 0)
          max_gap = std::max(max_gap, start + times.front() - previous);
        previous = start + times.back();
        events += static_cast<std::int64_t>(times.size());
      }
    }
  }
  if (events < 2) throw text::ParseError("calendar event does not repeat");
  return max_gap;
}

std::vector<std::int64_t> CalendarEventTimes(const CalendarEvent& event,
                                             std::int64_t from, std::int64_t to,
                                             std::size_t max_events) {
  std::vector<std::int64_t> out;
  const std::vector<int> times = TimesOfDay(event);
  if (times.empty()) return out;
  for (std::int64_t day = FloorDiv(from, 86400); day * 86400 < to; ++day) {
    int y = 0, m = 0, d = 0;
    CivilFromDays(day, &y, &m, &d);
    // 1970-01-01 was a Thursday; 0 = Monday.
    const int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7);
    if (!Matches(event.weekdays, weekday) || !Matches(event.years, y) ||
        !Matches(event.months, m) || !Matches(event.days, d)) {
      continue;
    }
    for (const int t : times) {
      const std::int64_t at = day * 86400 + t;
      if (at < from || at >= to) continue;
      if (out.size() == max_events) return out;
      out.push_back(at);
    }
  }
  return out;
}

std::int64_t ScheduleIntervalSeconds(std::string_view spec) {
  return CalendarEventIntervalSeconds(ParseCalendarEvent(spec));
}

}  // namespace replwatch::parsers

#include "collectors/parsers/scrub_schedule_parser.h"

#include <optional>
#include <utility>

#include "text/name_rules.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

constexpr std::string_view kScrubScript = "/usr/lib/zfs-linux/scrub";

// One cron field (numbers only: `*`, `N`, `A-B`, `*/S`, `A-B/S`, lists).
std::optional<CalendarEvent::Field> CronField(std::string_view text, int lo,
                                              int hi) {
  CalendarEvent::Field field;
  if (text == "*") return field;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::string_view item = text::SplitAt(&rest, ',');
    std::string_view step_text;
    if (const auto slash = item.find('/'); slash != std::string_view::npos) {
      step_text = item.substr(slash + 1);
      item = item.substr(0, slash);
    }
    CalendarEvent::Range range{lo, hi, 1};
    if (item != "*") {
      const bool is_range = item.find('-') != std::string_view::npos;
      std::string_view to_text = item;
      const std::string_view from_text = text::SplitAt(&to_text, '-');
      const auto from = text::ParseUint64(from_text);
      const auto to = is_range ? text::ParseUint64(to_text) : from;
      if (!from || !to || *from < static_cast<std::uint64_t>(lo) ||
          *to > static_cast<std::uint64_t>(hi) || *from > *to) {
        return std::nullopt;
      }
      range.from = static_cast<int>(*from);
      // `N/S` runs from N to the end of the range, as in cron.
      range.to = step_text.empty() || is_range ? static_cast<int>(*to) : hi;
    }
    if (!step_text.empty()) {
      const auto step = text::ParseUint64(step_text);
      if (!step || *step == 0 || *step > 60) return std::nullopt;
      range.step = static_cast<int>(*step);
    }
    field.push_back(range);
  }
  return field;
}

// cron's day of week (0 or 7 = Sunday) as CalendarEvent's (0 = Monday).
CalendarEvent::Field CronWeekdays(const CalendarEvent::Field& cron) {
  CalendarEvent::Field out;
  for (const auto& r : cron) {
    for (int d = r.from; d <= r.to; d += r.step) {
      const int weekday = (d + 6) % 7;
      out.push_back({weekday, weekday, 1});
    }
  }
  return out;
}

// The weekday test of Debian's line: `[ $(date +\%w) -eq N ]`.
std::optional<int> CommandWeekday(std::string_view command) {
  constexpr std::string_view kTest = "$(date +\\%w) -eq ";
  const std::size_t at = command.find(kTest);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view digit = command.substr(at + kTest.size(), 1);
  const auto day = text::ParseUint64(digit);
  if (!day || *day > 7) return std::nullopt;
  return static_cast<int>(*day);
}

std::optional<std::vector<CalendarEvent>> CronEvents(std::string_view line) {
  std::string_view rest = line;
  std::string_view f[6];
  for (auto& field : f) field = text::NextField(&rest);
  // f[5] is the user; `rest` the command.
  const auto minutes = CronField(f[0], 0, 59);
  const auto hours = CronField(f[1], 0, 23);
  const auto days = CronField(f[2], 1, 31);
  const auto months = CronField(f[3], 1, 12);
  const auto weekdays = CronField(f[4], 0, 7);
  if (!minutes || !hours || !days || !months || !weekdays || f[5].empty()) {
    return std::nullopt;
  }
  CalendarEvent base;
  base.minutes = *minutes;
  base.hours = *hours;
  base.months = *months;
  base.seconds = {{0, 0, 1}};
  if (const auto day = CommandWeekday(rest)) {
    base.weekdays = CronWeekdays({{*day, *day, 1}});
  }
  std::vector<CalendarEvent> events;
  if (!days->empty() && !weekdays->empty()) {
    CalendarEvent by_day = base;
    by_day.days = *days;
    CalendarEvent by_weekday = base;
    by_weekday.weekdays = CronWeekdays(*weekdays);
    events = {by_day, by_weekday};
  } else {
    base.days = *days;
    if (!weekdays->empty()) base.weekdays = CronWeekdays(*weekdays);
    events = {base};
  }
  return events;
}

}  // namespace

ScrubSchedules ParseScrubCron(std::string_view text) {
  text::RejectNulBytes(text, "the scrub crontab");
  ScrubSchedules out;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    const std::string_view trimmed = text::TrimSpace(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    if (!text::Contains(trimmed, kScrubScript)) continue;
    auto events = CronEvents(trimmed);
    if (!events) {
      out.warnings.Add(lines.line_number(), "cannot read the scrub line '" +
                                                text::Printable(trimmed) + "'");
      continue;
    }
    ScrubSchedule schedule;
    schedule.events = std::move(*events);
    schedule.source =
        "cron.d/zfsutils-linux line " + std::to_string(lines.line_number());
    out.schedules.push_back(std::move(schedule));
  }
  return out;
}

ScrubSchedules ParseScrubTimers(std::string_view listing) {
  text::RejectNulBytes(listing, "the timer listing");
  ScrubSchedules out;
  text::LineReader lines(listing);
  std::string_view line;
  while (lines.Next(&line)) {
    const std::string_view unit = text::TrimSpace(line);
    std::string_view calendar;
    std::string_view pool;
    for (const std::string_view kind : {"weekly", "monthly"}) {
      const std::string prefix = "zfs-scrub-" + std::string(kind) + "@";
      if (text::StartsWith(unit, prefix) && unit.size() >= prefix.size() + 6 &&
          unit.substr(unit.size() - 6) == ".timer") {
        calendar = kind;
        pool = unit.substr(prefix.size(), unit.size() - prefix.size() - 6);
      }
    }
    if (calendar.empty()) continue;
    // systemd escapes '/' and other bytes in instance names; a pool name
    // has none of them, so an escaped or invalid name is not a pool.
    if (!text::IsValidZfsDatasetName(pool) ||
        pool.find('/') != std::string_view::npos) {
      out.warnings.Add(
          lines.line_number(),
          "scrub timer '" + text::Printable(unit) + "' does not name a pool");
      continue;
    }
    ScrubSchedule schedule;
    schedule.pool = std::string(pool);
    schedule.events = {ParseCalendarEvent(calendar)};
    schedule.source = std::string(unit);
    out.schedules.push_back(std::move(schedule));
  }
  return out;
}

}  // namespace replwatch::parsers

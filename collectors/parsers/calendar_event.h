#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace replwatch::parsers {

/// A PVE / proxmox-time calendar event:
/// `[WEEKDAY] [[YEARS-]MONTHS-DAYS] [HOURS:MINUTES[:SECONDS]]` or a keyword
/// (`minutely hourly daily weekly monthly yearly annually quarterly
/// semiannually semi-annually`). A time without ':' is minutes (`*/15`, `15`);
/// a weekday or date without a time means 00:00.
struct CalendarEvent {
  /// Allowed values of one field as ranges with a step; empty = any value.
  struct Range {
    int from = 0;
    int to = 0;
    int step = 1;
  };
  using Field = std::vector<Range>;

  Field weekdays;  // 0 = Monday .. 6 = Sunday (so `sat..sun` is a range)
  Field years;
  Field months;  // 1..12
  Field days;    // 1..31
  Field hours;
  Field minutes;
  Field seconds;
};

/// Throws text::ParseError on anything that is not a calendar event.
CalendarEvent ParseCalendarEvent(std::string_view spec);

/// Nominal interval of a schedule: the longest gap between two consecutive
/// events, evaluated over eight years from 2024-01-01 in a zone without DST.
/// E.g. `*/15` -> 900, `mon..fri 22:00` -> 259200 (Friday to Monday),
/// `sat *-1..7 15:00` -> 3024000 (five weeks). This is the time a healthy job
/// may legitimately go without a sync. Throws text::ParseError if the event has
/// fewer than two occurrences in that window (e.g. a one-off date).
std::int64_t CalendarEventIntervalSeconds(const CalendarEvent& event);

/// The events in [from, to), both in seconds of the node's local wall clock
/// counted like epoch seconds (epoch + UTC offset), ascending, at most
/// `max_events` of them (the first ones).
std::vector<std::int64_t> CalendarEventTimes(const CalendarEvent& event,
                                             std::int64_t from, std::int64_t to,
                                             std::size_t max_events);

/// ParseCalendarEvent + CalendarEventIntervalSeconds.
std::int64_t ScheduleIntervalSeconds(std::string_view spec);

}  // namespace replwatch::parsers

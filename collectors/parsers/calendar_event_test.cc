#include "collectors/parsers/calendar_event.h"

#include "testing/catch.h"
#include "text/parse_error.h"

namespace replwatch::parsers {
namespace {

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;

TEST_CASE("calendar event intervals", "[calendar_event]") {
  struct Case {
    const char* spec;
    std::int64_t interval;
  };
  const Case cases[] = {
      {"*/15", 15 * kMinute},
      {"*/5", 5 * kMinute},
      {"0/5", 5 * kMinute},
      {"15", kHour},
      {"*", kMinute},
      {"*/1", kMinute},
      {"minutely", kMinute},
      {"hourly", kHour},
      {"daily", kDay},
      {"weekly", 7 * kDay},
      {"12:05", kDay},
      {"mon..fri 22:00", 3 * kDay},       // Friday 22:00 -> Monday 22:00
      {"mon..fri 22", 2 * kDay + kHour},  // bare number = minute 22
      {"mon,wed,fri", 3 * kDay},          // Friday -> Monday at 0:00
      {"sat..sun", 6 * kDay},
      {"Sat *-1..7 15:00", 35 * kDay},         // first Saturday, 4-5 weeks
      {"8:00/15", 23 * kHour + 15 * kMinute},  // 8:45 -> next day 8:00
      {"12,14,16,18,20,22:5", 14 * kHour},     // 22:05 -> 12:05
      {"12/2:5", 14 * kHour},
      {"mon..wed 30/10", 4 * kDay + 40 * kMinute},  // Wed 23:50 -> Mon 0:30
      {"fri 12..13:5/20", 7 * kDay - kHour - 40 * kMinute},
      {"mon..fri 8..17,22:0/15", 2 * kDay + 9 * kHour + 15 * kMinute},
      {"*-05", 31 * kDay},
      {"monthly", 31 * kDay},
      {"quarterly", 92 * kDay},
      {"yearly", 366 * kDay},
      {"*:*:0/30", 30},
      {"  */15  ", 15 * kMinute},
  };
  for (const Case& c : cases) {
    INFO(c.spec);
    CHECK(ScheduleIntervalSeconds(c.spec) == c.interval);
  }
}

TEST_CASE("calendar event fields", "[calendar_event]") {
  const CalendarEvent e = ParseCalendarEvent("sat *-1..7 15:00");
  REQUIRE(e.weekdays.size() == 1);
  CHECK(e.weekdays[0].from == 5);
  CHECK(e.months.empty());
  REQUIRE(e.days.size() == 1);
  CHECK(e.days[0].from == 1);
  CHECK(e.days[0].to == 7);
  REQUIRE(e.hours.size() == 1);
  CHECK(e.hours[0].from == 15);
}

TEST_CASE("calendar event rejects garbage", "[calendar_event]") {
  for (const char* bad : {"",           "   ",
                          "foo",        "25:00",
                          "12:60",      "*/0",
                          "mon..",      "fri..mon",
                          "*/15 extra", "1,,2",
                          "5..3",       "*-13-01",
                          "1:2:3:4",    "-",
                          "1-2-3-4",    "mon tue",
                          "*/15,",      "12:",
                          ":5",         "1,5x",
                          "2,5e1",      "99999999999999999999",
                          "2015-10-21", "*-02-30",
                          "mon,",       "*-1-"}) {
    INFO(bad);
    CHECK_THROWS_AS(ScheduleIntervalSeconds(bad), text::ParseError);
  }
  CHECK_THROWS_AS(ParseCalendarEvent(std::string(200, '1')), text::ParseError);
}

TEST_CASE("calendar event times in a window", "[calendar_event]") {
  constexpr std::int64_t k20261206 = 1796515200;  // Sun 2026-12-06 00:00
  CHECK(CalendarEventTimes(ParseCalendarEvent("*/15"), k20261206 + 60,
                           k20261206 + kHour + 60, 100) ==
        std::vector<std::int64_t>{k20261206 + 15 * kMinute,
                                  k20261206 + 30 * kMinute,
                                  k20261206 + 45 * kMinute, k20261206 + kHour});
  // Saturday 02:30 in the week after Sunday the 6th: the 12th.
  CHECK(CalendarEventTimes(ParseCalendarEvent("sat 02:30"), k20261206,
                           k20261206 + 7 * kDay, 100) ==
        std::vector<std::int64_t>{k20261206 + 6 * kDay + 2 * kHour +
                                  30 * kMinute});
  CHECK(CalendarEventTimes(ParseCalendarEvent("monthly"), k20261206,
                           k20261206 + 30 * kDay, 100) ==
        std::vector<std::int64_t>{k20261206 + 26 * kDay});  // 2027-01-01
  // Capped: a minutely schedule over a week.
  CHECK(CalendarEventTimes(ParseCalendarEvent("minutely"), k20261206,
                           k20261206 + 7 * kDay, 50)
            .size() == 50);
}

}  // namespace
}  // namespace replwatch::parsers

#include "collectors/parsers/scrub_schedule_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t k20261201 = 1796083200;  // Tue 2026-12-01 00:00 UTC

TEST_CASE("Debian's cron file scrubs on the second Sunday at 00:24",
          "[scrub_schedule]") {
  const ScrubSchedules cron =
      ParseScrubCron(testing::ReadTestdata("cron.d-zfsutils-linux"));
  CHECK(cron.warnings.empty());
  REQUIRE(cron.schedules.size() == 1);  // the TRIM line is not a scrub
  const ScrubSchedule& scrub = cron.schedules[0];
  CHECK(scrub.pool.empty());
  CHECK(scrub.source == "cron.d/zfsutils-linux line 7");
  REQUIRE(scrub.events.size() == 1);
  const auto times =
      CalendarEventTimes(scrub.events[0], k20261201, k20261201 + 62 * kDay, 10);
  // Sunday 2026-12-13 and Sunday 2027-01-10, 00:24.
  REQUIRE(times.size() == 2);
  CHECK(times[0] == k20261201 + 12 * kDay + 24 * 60);
  CHECK(times[1] == k20261201 + 40 * kDay + 24 * 60);
}

TEST_CASE("cron: day of month OR day of week when both are set",
          "[scrub_schedule]") {
  const ScrubSchedules cron = ParseScrubCron(
      "0 3 1 * 0 root /usr/lib/zfs-linux/scrub\n"
      "*/30 2-4/2 * * 7 root /usr/lib/zfs-linux/scrub\n");
  REQUIRE(cron.schedules.size() == 2);
  const auto first = CalendarEventTimes(cron.schedules[0].events[0], k20261201,
                                        k20261201 + 7 * kDay, 10);
  const auto second = CalendarEventTimes(cron.schedules[0].events[1], k20261201,
                                         k20261201 + 7 * kDay, 10);
  CHECK(first == std::vector<std::int64_t>{k20261201 + 3 * 3600});  // the 1st
  CHECK(second ==  // Sunday the 6th
        std::vector<std::int64_t>{k20261201 + 5 * kDay + 3 * 3600});
  const auto sunday = CalendarEventTimes(cron.schedules[1].events[0], k20261201,
                                         k20261201 + 7 * kDay, 10);
  REQUIRE(sunday.size() == 4);  // 02:00 02:30 04:00 04:30
  CHECK(sunday[2] == k20261201 + 5 * kDay + 4 * 3600);
}

TEST_CASE("cron: unreadable scrub lines are warnings", "[scrub_schedule]") {
  const ScrubSchedules cron = ParseScrubCron(
      "# 0 3 * * * root /usr/lib/zfs-linux/scrub\n"
      "@weekly root /usr/lib/zfs-linux/scrub\n"
      "0 25 * * * root /usr/lib/zfs-linux/scrub\n"
      "0 3 8- * * root /usr/lib/zfs-linux/scrub\n"
      "0 3 * jan * root /usr/lib/zfs-linux/scrub\n");
  CHECK(cron.schedules.empty());
  REQUIRE(cron.warnings.size() == 4);
  CHECK(cron.warnings[0].message ==
        "cannot read the scrub line '@weekly root /usr/lib/zfs-linux/scrub'");
}

TEST_CASE("enabled OpenZFS scrub timers", "[scrub_schedule]") {
  const ScrubSchedules timers = ParseScrubTimers(
      "pvescheduler.timer\nzfs-scrub-monthly@rpool.timer\n"
      "zfs-scrub-weekly@tank.timer\nzfs-scrub-weekly@.timer\n");
  REQUIRE(timers.schedules.size() == 2);
  CHECK(timers.schedules[0].pool == "rpool");
  CHECK(timers.schedules[1].pool == "tank");
  const auto weekly = CalendarEventTimes(timers.schedules[1].events[0],
                                         k20261201, k20261201 + 14 * kDay, 5);
  // systemd's weekly is Monday 00:00: the 7th and the 14th.
  CHECK(weekly ==
        std::vector<std::int64_t>{k20261201 + 6 * kDay, k20261201 + 13 * kDay});
  REQUIRE(timers.warnings.size() == 1);
  CHECK(timers.warnings[0].message ==
        "scrub timer 'zfs-scrub-weekly@.timer' does not name a pool");
}

}  // namespace
}  // namespace replwatch::parsers

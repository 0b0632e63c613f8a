#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collectors/parsers/calendar_event.h"
#include "text/parse_error.h"

namespace replwatch::parsers {

/// When a node scrubs its pools on its own.
struct ScrubSchedule {
  /// Debian's `/usr/lib/zfs-linux/scrub` (run by /etc/cron.d/zfsutils-linux)
  /// scrubs every ONLINE pool; a zfs-scrub-*@<pool>.timer only its pool.
  std::string pool;  // empty = every pool
  /// Either matches (cron runs a line when its day of month OR its day of
  /// week matches, if both are restricted).
  std::vector<CalendarEvent> events;
  std::string source;  // "cron.d/zfsutils-linux line 8", "<unit>.timer"
};

struct ScrubSchedules {
  std::vector<ScrubSchedule> schedules;
  text::ParseWarnings warnings;
};

/// The lines of a crontab in /etc/cron.d that run Debian's scrub script. The
/// shipped line restricts the weekday in its command
/// (`[ $(date +\%w) -eq 0 ]`: the second Sunday is days 8-14 and a Sunday);
/// that test is read as part of the schedule. Other lines are skipped; a
/// scrub line that cannot be read is a warning. Throws text::ParseError on
/// NUL bytes.
ScrubSchedules ParseScrubCron(std::string_view text);

/// The OpenZFS scrub timers enabled in a `ls -1` listing of
/// /etc/systemd/system/timers.target.wants: `zfs-scrub-weekly@<pool>.timer`
/// (OnCalendar=weekly) and `zfs-scrub-monthly@<pool>.timer` (monthly). The
/// units' RandomizedDelaySec=1h is not modeled: the window starts on the hour.
ScrubSchedules ParseScrubTimers(std::string_view listing);

}  // namespace replwatch::parsers

#include "collectors/missed_intervals.h"

#include "testing/catch.h"

namespace replwatch::jobs {
namespace {

// A */15 job whose last run started at 10:00 (PVE's next_sync: 10:15).
ReplicationJobState Run(double duration) {
  ReplicationJobState job;
  job.id = "100-0";
  job.last_try = job.last_sync = 1796551200;
  job.next_sync = job.last_try + 900;
  job.duration_seconds = duration;
  return job;
}

TEST_CASE("missed starts: the scheduled starts a run overran", "[jobs]") {
  CHECK(MissedStarts(Run(120), 900) == 0);
  CHECK(MissedStarts(Run(900), 900) == 0);   // ended as the next one was due
  CHECK(MissedStarts(Run(1200), 900) == 1);  // 10:15
  CHECK(MissedStarts(Run(2100), 900) == 2);  // 10:15, 10:30
  CHECK(MissedStarts(Run(2700), 900) == 3);  // 10:15, 10:30, 10:45
  // A run that started late (a queue of jobs) reaches its next start sooner.
  ReplicationJobState late = Run(600);
  late.last_try += 400;
  late.next_sync = late.last_try + 500;
  CHECK(MissedStarts(late, 900) == 1);
}

TEST_CASE("missed starts: nothing to say without a schedule's start",
          "[jobs]") {
  ReplicationJobState failing = Run(2000);
  failing.fail_count = 1;  // next_sync is a retry back-off
  CHECK(MissedStarts(failing, 900) == 0);
  ReplicationJobState unknown = Run(2000);
  unknown.duration_seconds.reset();
  CHECK(MissedStarts(unknown, 900) == 0);
  CHECK(MissedStarts(Run(2000), 0) == 0);  // schedule not understood
  ReplicationJobState unscheduled = Run(2000);
  unscheduled.next_sync = 0;  // removal pending, or no next event
  CHECK(MissedStarts(unscheduled, 900) == 0);
}

TEST_CASE("missed intervals: each run counted once, once it ended", "[jobs]") {
  MissedIntervals missed;
  CHECK(missed.Count(Run(2100), 900) == 2);
  CHECK(missed.Count(Run(2100), 900) == 2);  // the same run, next cycle
  ReplicationJobState next = Run(1000);
  next.last_try = next.last_sync = next.last_try + 2100;
  next.next_sync = next.last_try + 900;
  ReplicationJobState going = next;
  going.last_try = Run(0).last_try;  // PVE records last_try at the end
  going.pid = 4242;
  CHECK(missed.Count(going, 900) == 2);
  CHECK(missed.Count(next, 900) == 3);
  missed.Keep({});
  CHECK(missed.Count(next, 900) ==
        1);  // a job seen anew starts from 0 + its run
}

}  // namespace
}  // namespace replwatch::jobs

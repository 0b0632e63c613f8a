#include "collectors/overlapped_runs.h"

#include "testing/catch.h"

namespace replwatch::jobs {
namespace {

constexpr std::int64_t kStart = 1796601600;  // the run: 100 s from here

ReplicationJobState Run(std::int64_t last_try, double duration) {
  ReplicationJobState job;
  job.id = "100-0";
  job.last_try = last_try;
  job.duration_seconds = duration;
  return job;
}

TEST_CASE("a run meets a backup on its node while the two overlap",
          "[overlapped_runs]") {
  ContentionFacts contention;
  parsers::PveTask backup;
  backup.type = "vzdump";
  backup.start = kStart + 90;
  backup.end = kStart + 500;
  contention.backups.push_back(backup);
  const double now = kStart + 1000;
  CHECK(
      OverlapOfLastRun(Run(kStart, 100), &contention, nullptr, {}, now).backup);
  CHECK_FALSE(
      OverlapOfLastRun(Run(kStart, 90), &contention, nullptr, {}, now).backup);
  CHECK_FALSE(
      OverlapOfLastRun(Run(kStart + 500, 10), &contention, nullptr, {}, now)
          .backup);
  // Still running: it counts until now.
  contention.backups.back().end.reset();
  CHECK(OverlapOfLastRun(Run(kStart + 900, 10), &contention, nullptr, {}, now)
            .backup);
  CHECK_FALSE(OverlapOfLastRun(Run(kStart + 900, 10), nullptr, nullptr, {}, now)
                  .backup);
}

TEST_CASE("a run meets a scrub of a pool holding its volumes",
          "[overlapped_runs]") {
  PoolsFacts pools;
  for (const char* name : {"rpool", "tank"}) {
    pools.pools.emplace_back();
    pools.pools.back().name = name;
  }
  PoolScan& scan = pools.pools[1].scan;
  scan.kind = parsers::ScanKind::kScrub;
  scan.state = parsers::ScanState::kFinished;
  scan.end_time = kStart + 50;
  scan.duration_seconds = 3600;
  const double now = kStart + 1000;
  const auto run = Run(kStart, 100);
  CHECK(OverlapOfLastRun(run, nullptr, &pools, {"tank"}, now).scrub);
  CHECK_FALSE(OverlapOfLastRun(run, nullptr, &pools, {"rpool"}, now).scrub);
  CHECK_FALSE(OverlapOfLastRun(run, nullptr, &pools, {}, now).scrub);
  // A scrub that started after the run, running now.
  scan.state = parsers::ScanState::kInProgress;
  scan.start_time = kStart + 100;
  CHECK_FALSE(OverlapOfLastRun(run, nullptr, &pools, {"tank"}, now).scrub);
  scan.start_time = kStart + 99;
  CHECK(OverlapOfLastRun(run, nullptr, &pools, {"tank"}, now).scrub);
  // A resilver is no scrub.
  scan.kind = parsers::ScanKind::kResilver;
  CHECK_FALSE(OverlapOfLastRun(run, nullptr, &pools, {"tank"}, now).scrub);
}

TEST_CASE("each finished run is counted once", "[overlapped_runs]") {
  OverlappedRuns runs;
  const RunOverlap both{true, true};
  auto job = Run(kStart, 100);
  CHECK(runs.Count(job, both).backup == 1);
  CHECK(runs.Count(job, both).backup == 1);  // the same run again
  job.pid = 4242;                            // the next run, still going
  job.last_try = kStart + 900;
  CHECK(runs.Count(job, both).scrub == 1);
  job.pid.reset();
  CHECK(runs.Count(job, RunOverlap{false, true}).backup == 1);
  CHECK(runs.Count(job, RunOverlap{}).scrub == 2);
  runs.Keep({});
  job.last_try = kStart + 1800;
  CHECK(runs.Count(job, RunOverlap{}).scrub == 0);
}

}  // namespace
}  // namespace replwatch::jobs

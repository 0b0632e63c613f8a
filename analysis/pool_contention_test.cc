#include "analysis/pool_contention.h"

#include "collectors/contention.h"
#include "collectors/datasets.h"
#include "collectors/jobs.h"
#include "collectors/pools.h"
#include "collectors/snapshots.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

constexpr double k20261207 = 1796601600;  // Mon 2026-12-07 00:00 UTC
constexpr const char* kVolume = "rpool/data/vm-100-disk-0";

// pve1 runs guest 100, replicated to pve2 every 15 minutes (60 s a run).
// Both nodes have a nightly backup job of all their guests at 21:00.
struct Lab {
  ClusterView view{"lab", k20261207};
  std::map<std::string, PoolInfo*> rpool;  // by node, to change its scan

  Lab() {
    for (const std::string node : {"pve1", "pve2"}) {
      auto jobs = std::make_shared<JobsFacts>();
      jobs->node = node;
      jobs->collected_at = k20261207;
      if (node == "pve1") {
        JobFacts job;
        job.state.id = "100-0";
        job.state.guest = 100;
        job.state.target = "pve2";
        job.state.schedule = "*/15";
        job.state.duration_seconds = 60;
        jobs->jobs.push_back(job);
      }
      view.Add(node, jobs);
      auto datasets = std::make_shared<DatasetsFacts>();
      datasets->datasets[kVolume].type = "volume";
      view.Add(node, datasets);
      view.Add(node,
               SnapshotsFacts::FromZfsList(
                   std::string(kVolume) +
                   "@__replicate_100-0_1796600000__\t1\t10\t1796600000\n"));
      auto pools = std::make_shared<PoolsFacts>();
      pools->pools.push_back({});
      pools->pools.back().name = "rpool";
      pools->pools.back().health = "ONLINE";
      view.Add(node, pools);
      rpool[node] = &pools->pools.back();
    }
  }

  std::shared_ptr<ContentionFacts> Contention(const std::string& node) {
    auto facts = std::make_shared<ContentionFacts>();
    parsers::VzdumpJob nightly;
    nightly.id = "backup-nightly";
    nightly.schedule = "21:00";
    nightly.all = true;
    facts->backup_jobs.push_back(nightly);
    view.Add(node, facts);
    return facts;
  }

  PoolContention On(const std::string& node) {
    const auto result =
        AnalyzePoolContention(view, IndexJobVolumesOfAllNodes(view));
    const auto it = result.find({node, "rpool"});
    REQUIRE(it != result.end());
    return it->second;
  }
};

TEST_CASE("replication runs inside the nightly backup of their guest",
          "[pool_contention]") {
  Lab lab;
  lab.Contention("pve1");
  lab.Contention("pve2");
  const PoolContention source = lab.On("pve1");
  CHECK(source.replication_seconds == 7 * 96 * 60);
  // 21:00 21:15 21:30 21:45 in each of 7 one-hour backups.
  CHECK(source.backup_overlap_seconds == 7 * 4 * 60);
  CHECK(source.scrub_overlap_seconds == 0);
  // pve2 receives the same runs; its backup job does not read pve1's guest
  // (pve2 holds only its replica).
  const PoolContention target = lab.On("pve2");
  CHECK(target.replication_seconds == 7 * 96 * 60);
  CHECK(target.backup_overlap_seconds == 0);
}

TEST_CASE("a measured backup length, the node's zone and Debian's scrub",
          "[pool_contention]") {
  Lab lab;
  auto pve1 = lab.Contention("pve1");
  pve1->last_backup_seconds = 2 * 3600;  // 21:00-23:00, 8 runs a night
  pve1->utc_offset_seconds = 3600;       // 21:00 CET is 20:00 UTC
  pve1->scrubs.push_back({});
  pve1->scrubs.back().events.push_back(
      parsers::ParseCalendarEvent("sun *-*-8..14 00:24"));
  const PoolContention source = lab.On("pve1");
  CHECK(source.backup_overlap_seconds == 7 * 8 * 60);
  // Sunday the 13th 00:24-01:24 local: the runs of 00:30 00:45 01:00 01:15.
  CHECK(source.scrub_overlap_seconds == 4 * 60);
}

TEST_CASE("a scrub lasts as long as the pool's last or running one",
          "[pool_contention]") {
  Lab lab;
  auto pve1 = lab.Contention("pve1");
  pve1->scrubs.push_back({});
  pve1->scrubs.back().events.push_back(
      parsers::ParseCalendarEvent("sun *-*-8..14 00:24"));
  PoolScan& scan = lab.rpool["pve1"]->scan;
  scan.kind = parsers::ScanKind::kScrub;
  scan.state = parsers::ScanState::kFinished;
  scan.duration_seconds = 6 * 3600;
  // 00:24-06:24: the runs of 00:30 to 06:15.
  CHECK(lab.On("pve1").scrub_overlap_seconds == 24 * 60);
  // Running for an hour and a quarter done: 4 hours, 00:24-04:24.
  scan.state = parsers::ScanState::kInProgress;
  scan.start_time = static_cast<std::int64_t>(k20261207) - 3600;
  scan.progress_ratio = 0.25;
  CHECK(lab.On("pve1").scrub_overlap_seconds == 16 * 60);
  // A resilver says nothing about scrubs: the assumed hour.
  scan.kind = parsers::ScanKind::kResilver;
  CHECK(lab.On("pve1").scrub_overlap_seconds == 4 * 60);
}

TEST_CASE("pools of nodes without contention facts are not guessed",
          "[pool_contention]") {
  Lab lab;
  lab.Contention("pve1");
  const auto result =
      AnalyzePoolContention(lab.view, IndexJobVolumesOfAllNodes(lab.view));
  CHECK(result.count({"pve1", "rpool"}) == 1);
  CHECK(result.count({"pve2", "rpool"}) == 0);
}

}  // namespace
}  // namespace replwatch

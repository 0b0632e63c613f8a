#include "analysis/guest_failover.h"

#include "collectors/datasets.h"
#include "collectors/pools.h"
#include "collectors/snapshots.h"
#include "collectors/unreplicated_disks.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

constexpr double kNow = 1796601600;  // 2026-12-07 00:00 UTC
constexpr const char* kDisk0 = "rpool/data/vm-100-disk-0";
constexpr const char* kDisk1 = "rpool/data/vm-100-disk-1";

// `zfs list -Hp -t snapshot -o name,guid,createtxg,creation` line of a
// replication snapshot of job 100-0 taken at `creation`.
std::string ReplicationSnapshot(const std::string& volume, std::uint64_t guid,
                                std::int64_t creation) {
  return volume + "@__replicate_100-0_" + std::to_string(creation) + "__\t" +
         std::to_string(guid) + "\t" + std::to_string(guid) + "\t" +
         std::to_string(creation) + "\n";
}

// Guest 100 on pve1, replicated to pve2: two disks, synced 10 minutes ago
// (disk-1's newest snapshot is older: its run came first).
struct Cluster {
  std::string source_snapshots = ReplicationSnapshot(kDisk0, 11, kNow - 600) +
                                 ReplicationSnapshot(kDisk1, 21, kNow - 900);
  std::string target_snapshots = source_snapshots;
  std::map<std::string, DatasetInfo> source_datasets = {{kDisk0, Volume()},
                                                        {kDisk1, Volume()}};
  std::map<std::string, DatasetInfo> target_datasets = source_datasets;
  std::string target_health = "ONLINE";
  /// The datasets the guest's config on pve1 has replicated; unset: the
  /// config was not read.
  std::optional<std::vector<std::string>> configured;
  std::int64_t last_sync = 0;  // the job state's; 0: none read
  bool source_down = false;
  bool target_pools_known = true;

  static DatasetInfo Volume() {
    DatasetInfo info;
    info.type = "volume";
    info.volsize_bytes = 32ull << 30;
    return info;
  }

  FailoverReadiness Analyze(std::string* exposition = nullptr) const {
    ClusterView view("lab", kNow);
    JobFacts job;
    job.state.id = "100-0";
    job.state.guest = 100;
    job.state.source = "pve1";
    job.state.target = "pve2";
    job.state.last_sync = last_sync;
    job.schedule_interval_seconds = 900;
    auto jobs = std::make_shared<JobsFacts>();
    jobs->jobs.push_back(job);
    view.Add("pve1", jobs);
    if (!source_down) {
      view.Add("pve1", SnapshotsFacts::FromZfsList(source_snapshots));
      auto datasets = std::make_shared<DatasetsFacts>();
      datasets->datasets.insert(source_datasets.begin(), source_datasets.end());
      view.Add("pve1", datasets);
      if (configured) {
        auto disks = std::make_shared<UnreplicatedDisksFacts>();
        disks->guests[100].replicated_datasets = *configured;
        view.Add("pve1", disks);
      }
    } else {
      view.MarkUnreachable("pve1", kNow - 300);
    }
    view.Add("pve2", SnapshotsFacts::FromZfsList(target_snapshots));
    auto datasets = std::make_shared<DatasetsFacts>();
    datasets->datasets.insert(target_datasets.begin(), target_datasets.end());
    view.Add("pve2", datasets);
    if (target_pools_known) {
      auto pools = std::make_shared<PoolsFacts>();
      pools->pools.emplace_back();
      pools->pools.back().name = "rpool";
      pools->pools.back().health = target_health;
      view.Add("pve2", pools);
    }
    const std::map<std::string, JobVolumeIndex> index =
        IndexJobVolumesOfAllNodes(view);
    const std::vector<std::string> volumes =
        JobVolumes(index.count("pve1") ? index.at("pve1") : JobVolumeIndex{},
                   index.at("pve2"), job.state.id);
    const VolumeChainInputs inputs = ChainInputsFor(view, "pve1", job);
    const FailoverReadiness readiness = AnalyzeFailover(
        view, job, volumes, inputs, AnalyzeChains(inputs, volumes));
    if (exposition != nullptr) {
      MetricSet out;
      RenderGuestFailover(view, job, readiness,
                          {{"guest", "100"}, {"target", "pve2"}}, out);
      *exposition = out.Serialize();
    }
    return readiness;
  }
};

std::vector<std::string> Reasons(const FailoverReadiness& readiness) {
  std::vector<std::string> reasons;
  for (const FailoverBlocker blocker : readiness.blockers) {
    reasons.emplace_back(BlockerLabel(blocker));
  }
  return reasons;
}

using ReasonList = std::vector<std::string>;

TEST_CASE("a complete replica is ready and loses what its oldest disk lacks",
          "[failover]") {
  std::string text;
  const FailoverReadiness readiness = Cluster().Analyze(&text);
  CHECK(readiness.ready());
  REQUIRE(readiness.restore_point);
  CHECK(*readiness.restore_point == kNow - 900);
  CHECK(text.find("replwatch_guest_failover_ready{guest=\"100\",target="
                  "\"pve2\"} 1\n") != std::string::npos);
  CHECK(text.find("replwatch_guest_failover_data_loss_seconds{guest=\"100\","
                  "target=\"pve2\"} 900\n") != std::string::npos);
  CHECK(text.find("replwatch_guest_replication_interval_seconds{guest="
                  "\"100\",target=\"pve2\"} 900\n") != std::string::npos);
  CHECK(text.find("replwatch_guest_failover_blocker") == std::string::npos);
}

TEST_CASE("with the source down, readiness and data loss come from the target",
          "[failover]") {
  Cluster cluster;
  cluster.source_down = true;
  std::string text;
  const FailoverReadiness readiness = cluster.Analyze(&text);
  CHECK(readiness.ready());
  CHECK(readiness.restore_point == kNow - 900);
  CHECK(text.find("replwatch_guest_failover_data_loss_seconds{guest=\"100\","
                  "target=\"pve2\"} 900\n") != std::string::npos);

  // The target alone still tells a missing key or a partial receive.
  cluster.target_datasets[kDisk1].receive_resume_token = "1-abc";
  CHECK(Reasons(cluster.Analyze()) == ReasonList{"partial_receive"});
}

// Nodes are read at different moments: right after a run, the source's
// listing may hold only the new snapshot while the target's, read before
// the run, holds only the one it replaced. Both are fine.
TEST_CASE("a run between the two listings is no missing common snapshot",
          "[failover]") {
  Cluster cluster;
  cluster.last_sync = kNow - 60;
  cluster.source_snapshots = ReplicationSnapshot(kDisk0, 12, kNow - 60) +
                             ReplicationSnapshot(kDisk1, 22, kNow - 60);
  CHECK(cluster.Analyze().ready());
}

TEST_CASE("each thing a failover needs on the target is its own reason",
          "[failover]") {
  SECTION("a disk without a replica") {
    Cluster cluster;
    cluster.target_datasets.erase(kDisk1);
    cluster.target_snapshots = ReplicationSnapshot(kDisk0, 11, kNow - 600);
    const FailoverReadiness readiness = cluster.Analyze();
    CHECK(Reasons(readiness) == ReasonList{"no_replica"});
    CHECK_FALSE(readiness.restore_point);
  }
  SECTION("a disk added since the last run") {
    Cluster cluster;
    const char* added = "rpool/data/vm-100-disk-2";
    cluster.configured = {kDisk0, kDisk1, added};
    cluster.source_datasets[added] = Cluster::Volume();
    const FailoverReadiness readiness = cluster.Analyze();
    CHECK(Reasons(readiness) == ReasonList{"no_replica"});
    CHECK(readiness.restore_point == kNow - 900);  // of the disks it has

    cluster.target_datasets[added] = Cluster::Volume();  // the run's receive
    cluster.target_snapshots += ReplicationSnapshot(added, 31, kNow - 60);
    cluster.source_snapshots += ReplicationSnapshot(added, 31, kNow - 60);
    CHECK(cluster.Analyze().ready());
  }
  SECTION("a replica of another size") {
    Cluster cluster;
    cluster.target_datasets[kDisk0].volsize_bytes = 16ull << 30;
    CHECK(Reasons(cluster.Analyze()) == ReasonList{"replica_mismatch"});
  }
  SECTION("a replica whose replication snapshots were deleted") {
    Cluster cluster;
    cluster.target_snapshots = ReplicationSnapshot(kDisk0, 11, kNow - 600);
    CHECK(Reasons(cluster.Analyze()) ==
          ReasonList{"no_replication_snapshot", "no_common_snapshot"});
  }
  SECTION("a replica whose snapshot is not the source's (other GUID)") {
    Cluster cluster;
    cluster.target_snapshots = ReplicationSnapshot(kDisk0, 99, kNow - 600) +
                               ReplicationSnapshot(kDisk1, 21, kNow - 900);
    CHECK(Reasons(cluster.Analyze()) == ReasonList{"no_common_snapshot"});
  }
  SECTION("the same base on both ends, another GUID on the target") {
    Cluster cluster;
    cluster.last_sync = kNow - 600;
    cluster.target_snapshots = ReplicationSnapshot(kDisk0, 99, kNow - 600) +
                               ReplicationSnapshot(kDisk1, 21, kNow - 900);
    CHECK(Reasons(cluster.Analyze()) == ReasonList{"no_common_snapshot"});
  }
  SECTION("an encrypted replica without its key") {
    Cluster cluster;
    cluster.target_datasets[kDisk0].encryption = "aes-256-gcm";
    cluster.target_datasets[kDisk0].keystatus = "unavailable";
    CHECK(Reasons(cluster.Analyze()) == ReasonList{"key_unavailable"});
    cluster.target_datasets[kDisk0].keystatus = "available";
    CHECK(cluster.Analyze().ready());
  }
  SECTION("a degraded target pool") {
    Cluster cluster;
    cluster.target_health = "DEGRADED";
    CHECK(Reasons(cluster.Analyze()) == ReasonList{"pool_unhealthy"});
  }
  SECTION("a target whose facts are not current") {
    Cluster cluster;
    cluster.target_pools_known = false;
    std::string text;
    CHECK(Reasons(cluster.Analyze(&text)) == ReasonList{"target_unknown"});
    CHECK(text.find("replwatch_guest_failover_blocker{guest=\"100\",target="
                    "\"pve2\",reason=\"target_unknown\"} 1\n") !=
          std::string::npos);
  }
  SECTION("a job that never synced") {
    Cluster cluster;
    cluster.source_snapshots.clear();
    cluster.target_snapshots.clear();
    cluster.target_datasets.clear();
    CHECK(Reasons(cluster.Analyze()) == ReasonList{"no_replica"});
  }
}

}  // namespace
}  // namespace replwatch

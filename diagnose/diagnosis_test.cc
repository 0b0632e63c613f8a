#include "diagnose/diagnosis.h"

#include <algorithm>
#include <fstream>

#include "collectors/datasets.h"
#include "collectors/jobs.h"
#include "collectors/nic.h"
#include "collectors/node.h"
#include "collectors/parsers/zfs_get_parser.h"
#include "collectors/paths.h"
#include "collectors/pools.h"
#include "collectors/snapshots.h"
#include "diagnose/reseed_plan.h"
#include "testing/catch.h"
#include "text/json.h"

namespace replwatch::diagnose {
namespace {

const std::string kVolume = "rpool/data/vm-100-disk-0";
const std::string kBase = "__replicate_100-0_1700000100__";
constexpr double kViewTime = 1700000700;  // 10 min after the newest sync

std::string Snap(const std::string& name, std::uint64_t guid,
                 std::uint64_t txg) {
  return kVolume + "@" + name + "\t" + std::to_string(guid) + "\t" +
         std::to_string(txg) + "\t" + std::to_string(1700000000 + txg) + "\n";
}

std::shared_ptr<DatasetsFacts> Datasets(
    const std::string& written, const std::string& resume_token = "-",
    const std::string& encryption = "", bool has_volume = true,
    const std::string& parent_available = "900000000") {
  const std::string volume =
      kVolume + "\ttype\tvolume\n" + kVolume + "\tused\t1000000\n" + kVolume +
      "\tavailable\t800000000\n" + kVolume + "\twritten\t" + written + "\n" +
      kVolume + "\treceive_resume_token\t" + resume_token + "\n";
  return BuildDatasetsFacts(parsers::ParseZfsGet((has_volume ? volume : "") +
                                                 "rpool/data\tavailable\t" +
                                                 parent_available + "\n" +
                                                 encryption)
                                .properties);
}

// `zfs get` rows of an encrypted dataset (encryption root `root`), or of
// one in the clear when `root` is empty.
std::string Encryption(const std::string& dataset, const std::string& root,
                       const std::string& keystatus = "available") {
  if (root.empty()) return dataset + "\tencryption\toff\n";
  return dataset + "\tencryption\taes-256-gcm\n" + dataset +
         "\tencryptionroot\t" + root + "\n" + dataset + "\tkeystatus\t" +
         keystatus + "\n";
}

std::shared_ptr<NicFacts> Nic(std::uint64_t mtu) {
  auto facts = std::make_shared<NicFacts>();
  NicFacts::Interface vmbr0;
  vmbr0.name = "vmbr0";
  vmbr0.kind = "bridge";
  vmbr0.mtu = mtu;
  vmbr0.up = true;
  facts->interfaces.push_back(vmbr0);
  return facts;
}

std::shared_ptr<NodeFacts> Node(const std::string& storage) {
  auto facts = std::make_shared<NodeFacts>();
  if (!storage.empty()) facts->packages["libpve-storage-perl"] = storage;
  return facts;
}

std::shared_ptr<JobsFacts> Jobs(const std::string& node, std::uint64_t guest,
                                const std::string& target,
                                std::uint64_t failures) {
  auto facts = std::make_shared<JobsFacts>();
  facts->node = node;
  JobFacts job;
  job.state.id = std::to_string(guest) + "-0";
  job.state.guest = guest;
  job.state.source = node;
  job.state.target = target;
  job.state.last_sync = 1700000100;
  job.state.fail_count = failures;
  job.schedule_interval_seconds = 900;
  job.rpo_seconds = 60;
  if (failures > 0) {
    job.state.error = "command 'set -o pipefail && pvesm export ...' failed";
    job.error = parsers::ClassifiedError{parsers::ReplicationErrorClass::kSsh,
                                         "Host key verification failed."};
  }
  facts->jobs.push_back(job);
  facts->collected_at = 1700000160;
  return facts;
}

// Job 109-0 of pve1, syncing since 1700000160 - 5100 s (every 15 min).
JobFacts StuckJob() {
  JobFacts job;
  job.state.id = "109-0";
  job.state.guest = 109;
  job.state.source = "pve1";
  job.state.target = "pve3";
  job.state.last_sync = 1699994000;
  job.state.last_try = 1700000160 - 5100;
  job.state.pid = 4242;
  job.schedule_interval_seconds = 900;
  job.rpo_seconds = 6160;
  return job;
}

std::shared_ptr<PoolsFacts> Pools(const std::string& health) {
  auto facts = std::make_shared<PoolsFacts>();
  PoolInfo pool;
  pool.name = "rpool";
  pool.health = health;
  pool.capacity_ratio = 0.42;
  facts->pools.push_back(pool);
  return facts;
}

std::shared_ptr<PathsFacts> Paths(bool ssh_ok) {
  auto facts = std::make_shared<PathsFacts>();
  PathCheck check;
  check.target = "pve2";
  check.ssh_ok = ssh_ok;
  check.ssh_error = ssh_ok ? "" : "Host key verification failed.";
  facts->paths.push_back(check);
  return facts;
}

struct Cluster {
  std::string source_snapshots =
      Snap("__replicate_100-0_1700000050__", 22, 50) + Snap(kBase, 33, 100);
  std::string target_snapshots =
      Snap("__replicate_100-0_1700000050__", 22, 40) + Snap(kBase, 33, 90);
  std::uint64_t failures = 0;
  bool ssh_ok = true;
  std::uint64_t guest_on_target = 0;  // a guest whose jobs pve2 lists
  std::string target_resume_token = "-";
  std::string source_encryption, target_encryption;  // zfs get rows
  std::string source_storage, target_storage;        // pve-storage versions
  bool target_has_volume = true;
  std::uint64_t source_mtu = 0, target_mtu = 0;  // 0: no nic facts
  std::optional<bool> path_mtu_ok;
  bool stuck_job_beside = false;  // pve1 also runs StuckJob()
  double rpo_seconds = 60;
  std::string target_parent_available = "900000000";

  Report Run(const Filter& filter = {}) const {
    ClusterView view("lab", kViewTime);
    auto source_jobs = Jobs("pve1", 100, "pve2", failures);
    source_jobs->jobs.front().rpo_seconds = rpo_seconds;
    if (stuck_job_beside) source_jobs->jobs.push_back(StuckJob());
    view.Add("pve1", source_jobs);
    view.Add("pve2", Jobs("pve2", guest_on_target, "pve3", 0));
    view.Add("pve1", SnapshotsFacts::FromZfsList(source_snapshots));
    view.Add("pve2", SnapshotsFacts::FromZfsList(target_snapshots));
    view.Add("pve1", Datasets("4096", "-", source_encryption));
    view.Add("pve2", Datasets("0", target_resume_token, target_encryption,
                              target_has_volume, target_parent_available));
    view.Add("pve1", Node(source_storage));
    view.Add("pve2", Node(target_storage));
    view.Add("pve1", Pools("ONLINE"));
    view.Add("pve2", Pools("ONLINE"));
    auto paths = Paths(ssh_ok);
    paths->paths.front().path_mtu_ok = path_mtu_ok;
    view.Add("pve1", paths);
    if (source_mtu != 0) view.Add("pve1", Nic(source_mtu));
    if (target_mtu != 0) view.Add("pve2", Nic(target_mtu));
    return Diagnose({AnalyzeCluster(view)}, {}, filter);
  }
};

const JobDiagnosis& Job100(const Report& report) {
  for (const auto& job : report.jobs) {
    if (job.job_id == "100-0") return job;
  }
  FAIL("job 100-0 missing");
  return report.jobs.front();
}

bool HasCommand(const VolumeVerdict& volume, const std::string& command) {
  for (const auto& line : volume.commands) {
    if (line == command) return true;
  }
  return false;
}

TEST_CASE("a healthy job is OK and prints no commands", "[diagnose]") {
  const Report report = Cluster().Run({"100-0", ""});
  REQUIRE(report.jobs.size() == 1);
  const JobDiagnosis& job = report.jobs[0];
  INFO(RenderText(report));
  CHECK(report.severity == Severity::kOk);
  CHECK(job.state == "ok");
  REQUIRE(job.volumes.size() == 1);
  CHECK(job.volumes[0].plan == Plan::kNone);
  CHECK(job.volumes[0].commands.empty());
  CHECK(RenderText(report).find("healthy: 2 common replication snapshot(s)") !=
        std::string::npos);
}

const Check* FindCheck(const JobDiagnosis& job, const std::string& prefix) {
  for (const auto& check : job.prerequisites) {
    if (check.name.rfind(prefix, 0) == 0) return &check;
  }
  return nullptr;
}

TEST_CASE("a replica left in the clear names both pve-storage versions",
          "[diagnose]") {
  Cluster cluster;
  cluster.source_encryption = Encryption("rpool/data", "rpool/data") +
                              Encryption(kVolume, "rpool/data");
  cluster.target_encryption =
      Encryption("rpool/data", "rpool/data") + Encryption(kVolume, "");
  cluster.source_storage = "9.1.10";
  cluster.target_storage = "8.3.7";
  const Report report = cluster.Run({"100-0", ""});
  INFO(RenderText(report));
  const JobDiagnosis& job = Job100(report);
  CHECK(job.severity == Severity::kWarning);
  const Check* drift = FindCheck(job, "encryption of " + kVolume + " on pve2");
  REQUIRE(drift != nullptr);
  CHECK(drift->severity == Severity::kWarning);
  CHECK(drift->detail ==
        "not encrypted, while its parent is (encryption root rpool/data); "
        "pve1 runs pve-storage 9.1.10 (zfs send -RpvU), pve2 runs "
        "pve-storage 8.3.7 (zfs recv -F, without -x encryption); once pve2 "
        "runs pve-storage 9.1.3 or later, re-seed the replica");
  const Check* versions = FindCheck(job, "pve-storage on pve1 and pve2");
  REQUIRE(versions != nullptr);
  CHECK(versions->severity == Severity::kWarning);
  CHECK_THAT(versions->detail,
             Catch::Matchers::ContainsSubstring(
                 "a full sync creates the replica unencrypted; upgrade pve2"));
}

TEST_CASE("a replica that inherits its encrypted parent is OK", "[diagnose]") {
  Cluster cluster;
  cluster.source_encryption = Encryption(kVolume, kVolume);
  cluster.target_encryption = Encryption("rpool/data", "rpool/data") +
                              Encryption(kVolume, "rpool/data");
  cluster.source_storage = "9.1.10";
  cluster.target_storage = "9.1.5";
  const Report report = cluster.Run({"100-0", ""});
  INFO(RenderText(report));
  CHECK(Job100(report).severity == Severity::kOk);
  CHECK(FindCheck(Job100(report), "encryption of") == nullptr);
  REQUIRE(FindCheck(Job100(report), "pve-storage on") != nullptr);
  CHECK_THAT(
      FindCheck(Job100(report), "pve-storage on")->detail,
      Catch::Matchers::ContainsSubstring("replicas inherit pve2's encryption"));
}

TEST_CASE("an unloaded key and a sender too old to send encrypted disks",
          "[diagnose]") {
  Cluster cluster;
  cluster.source_encryption = Encryption(kVolume, kVolume);
  cluster.target_encryption =
      Encryption("rpool/data", "rpool/data", "unavailable") +
      Encryption(kVolume, "rpool/data", "unavailable");
  cluster.source_storage = "8.3.7";
  const Report report = cluster.Run({"100-0", ""});
  INFO(RenderText(report));
  const JobDiagnosis& job = Job100(report);
  CHECK(job.severity == Severity::kCritical);
  const Check* key = FindCheck(job, "key of rpool/data on pve2");
  REQUIRE(key != nullptr);
  CHECK(key->detail ==
        "not loaded: the guest cannot start there until `zfs load-key "
        "rpool/data`");
  REQUIRE(FindCheck(job, "pve-storage on") != nullptr);
  CHECK(FindCheck(job, "pve-storage on")->severity == Severity::kCritical);
  // Without facts on pve-storage, nothing is claimed about it.
  cluster.source_storage.clear();
  CHECK(FindCheck(Job100(cluster.Run({"100-0", ""})), "pve-storage on") ==
        nullptr);
}

TEST_CASE("the headroom check counts a volume the target lacks in full",
          "[diagnose]") {
  Cluster cluster;
  cluster.target_snapshots.clear();
  cluster.target_has_volume = false;
  const Report report = cluster.Run({"100-0", ""});
  INFO(RenderText(report));
  const Check* room = FindCheck(Job100(report), "headroom on pve2");
  REQUIRE(room != nullptr);
  // 1,000,000 used bytes on the source, not the 4,096 written since its last
  // snapshot; rpool/data has 900,000,000 available.
  CHECK_THAT(room->detail,
             Catch::Matchers::ContainsSubstring("(1 volume(s) sent in full)"));
  CHECK(room->severity == Severity::kOk);
  cluster.target_parent_available = "999999";
  CHECK(FindCheck(Job100(cluster.Run({"100-0", ""})), "headroom on pve2")
            ->severity == Severity::kCritical);
}

TEST_CASE("an MTU mismatch on the path is a warning, as its metric says",
          "[diagnose]") {
  Cluster cluster;
  cluster.source_mtu = 1500;
  cluster.target_mtu = 9000;
  Report report = cluster.Run({"100-0", ""});
  INFO(RenderText(report));
  const Check* mtu = FindCheck(Job100(report), "MTU pve1 -> pve2");
  REQUIRE(mtu != nullptr);
  CHECK(mtu->severity == Severity::kWarning);
  CHECK(mtu->detail == "1500 on pve1, 9000 on pve2");
  CHECK(Job100(report).severity == Severity::kWarning);

  cluster.target_mtu = 1500;
  cluster.path_mtu_ok = false;
  report = cluster.Run({"100-0", ""});
  REQUIRE(FindCheck(Job100(report), "MTU pve1 -> pve2") != nullptr);
  CHECK(FindCheck(Job100(report), "MTU pve1 -> pve2")->severity ==
        Severity::kWarning);
  cluster.path_mtu_ok = true;
  CHECK(Cluster(cluster).Run({"100-0", ""}).severity == Severity::kOk);
}

TEST_CASE("a pending partial receive is not healthy", "[diagnose]") {
  Cluster cluster;
  cluster.target_resume_token = "1-abc-def";
  const Report report = cluster.Run({"100-0", ""});
  INFO(RenderText(report));
  const VolumeVerdict& volume = Job100(report).volumes.at(0);
  CHECK(volume.severity == Severity::kWarning);
  CHECK(volume.plan == Plan::kRepairChain);
  CHECK(HasCommand(volume, "zfs receive -A " + kVolume));
}

TEST_CASE(
    "a job running far past its schedule is stuck and named as what "
    "blocks its node's other jobs",
    "[diagnose]") {
  Cluster cluster;
  cluster.stuck_job_beside = true;
  cluster.rpo_seconds = 5117;  // past 2 x 15 min + 5 min: stale
  const Report report = cluster.Run();
  INFO(RenderText(report));
  const JobDiagnosis* stuck = nullptr;
  for (const auto& job : report.jobs) {
    if (job.job_id == "109-0") stuck = &job;
  }
  REQUIRE(stuck != nullptr);
  CHECK(stuck->state == "stuck");
  // Its own replica is past what the schedule allows too: CRITICAL, as
  // ReplwatchJobRPOBreached pages for it.
  CHECK(stuck->severity == Severity::kCritical);
  REQUIRE(FindCheck(*stuck, "age of the replica of 109-0") != nullptr);
  CHECK(FindCheck(*stuck, "age of the replica of 109-0")->alert ==
        "ReplwatchJobRPOBreached");
  REQUIRE(FindCheck(*stuck, "run of 109-0 on pve1") != nullptr);
  CHECK(FindCheck(*stuck, "run of 109-0 on pve1")->detail ==
        "syncing for 1 h 25 min on a schedule of 15 min; PVE runs this node's "
        "other jobs only after it");

  const JobDiagnosis& blocked = Job100(report);
  CHECK(blocked.state == "stale");
  CHECK(blocked.alert == "ReplwatchJobRPOBreached");
  // Stale already says it: no second check of the same age.
  CHECK(FindCheck(blocked, "age of the replica of 100-0") == nullptr);
  CHECK(blocked.blocked_by == "109-0");
  REQUIRE(FindCheck(blocked, "no stuck job on pve1") != nullptr);
  const VolumeVerdict& volume = blocked.volumes.at(0);
  CHECK(volume.plan == Plan::kNone);
  CHECK(volume.commands.empty());
  CHECK_THAT(volume.summary,
             Catch::Matchers::ContainsSubstring("waits behind 109-0"));
}

TEST_CASE(
    "a source that cannot be read keeps its jobs, from what the "
    "target still holds",
    "[diagnose]") {
  ClusterView view("lab", kViewTime);
  // pve1 is unreachable: only pve2's facts, with the replica of 100-0.
  view.Add("pve2", Jobs("pve2", 200, "pve3", 0));
  view.Add("pve2", SnapshotsFacts::FromZfsList(
                       Snap("__replicate_100-0_1700000100__", 33, 90)));
  const Report report = Diagnose({AnalyzeCluster(view)},
                                 {{"lab", "pve1", "connect timed out"}}, {});
  INFO(RenderText(report));
  const JobDiagnosis& job = Job100(report);
  CHECK(job.state == "unknown");
  CHECK(job.source == "pve1");
  CHECK(job.target == "pve2");
  CHECK(job.severity == Severity::kUnknown);
  REQUIRE(job.volumes.size() == 1);
  CHECK(job.volumes[0].summary ==
        "a failover to pve2 would restore " + kVolume +
            "@__replicate_100-0_1700000100__ (2023-11-14 22:14 UTC)");
  // Filtered by its source, it is still found.
  CHECK(Diagnose({AnalyzeCluster(view)}, {{"lab", "pve1", "x"}}, {"", "pve1"})
            .jobs.size() == 1);
  // Without an unreachable node, the snapshots are not a job of it.
  CHECK(Diagnose({AnalyzeCluster(view)}, {}, {"100-0", ""}).jobs.empty());
}

TEST_CASE(
    "an unreachable node's last job list makes its jobs unknown, not "
    "judged",
    "[diagnose]") {
  ClusterView view("lab", kViewTime);
  view.Add("pve1", Jobs("pve1", 100, "pve2", 0));
  view.MarkUnreachable("pve1", 1700000000);
  view.Add("pve2", SnapshotsFacts::FromZfsList(""));
  const Report report = Diagnose({AnalyzeCluster(view)},
                                 {{"lab", "pve1", "connect timed out"}}, {});
  INFO(RenderText(report));
  const JobDiagnosis& job = Job100(report);
  CHECK(job.state == "unknown");
  REQUIRE(FindCheck(job, "source pve1") != nullptr);
  CHECK(FindCheck(job, "source pve1")->detail ==
        "unreachable; its job list is of 2023-11-14 22:13 UTC");
  CHECK(job.severity == Severity::kUnknown);
}

const Check* DrillCheck(const FailoverDrill& drill, const std::string& name) {
  for (const auto& check : drill.checks) {
    if (check.name == name) return &check;
  }
  return nullptr;
}

TEST_CASE("the failover drill of a complete replica is ready", "[diagnose]") {
  const Report report = Cluster().Run({"", "", "100"});
  INFO(RenderText(report));
  REQUIRE(report.failovers.size() == 1);
  const FailoverDrill& drill = report.failovers[0];
  CHECK(drill.ready);
  CHECK(drill.severity == Severity::kOk);
  CHECK(drill.target == "pve2");
  // Its replica was created at 1700000090 (Snap: 1700000000 + txg 90).
  REQUIRE(drill.data_loss_seconds);
  CHECK(*drill.data_loss_seconds == kViewTime - 1700000090);
  // Only guest 100's job is diagnosed beside it.
  REQUIRE(report.jobs.size() == 1);
  CHECK(report.jobs[0].job_id == "100-0");
  const std::string text = RenderText(report);
  CHECK(text.find("failover of guest 100 to pve2 (lab, job 100-0): ready "
                  "[OK]") != std::string::npos);
  CHECK(text.find("data loss now: 10 min") != std::string::npos);
  CHECK(text.find("on pve2: zfs list -t snapshot -o name,guid,creation -s "
                  "creation " +
                  kVolume) != std::string::npos);
  CHECK(RenderJson(report).find("\"failovers\":[{\"pve_cluster\":\"lab\","
                                "\"guest\":\"100\"") != std::string::npos);
  // Without --guest, no drill.
  CHECK(Cluster().Run().failovers.empty());
}

TEST_CASE("an interrupted receive makes the failover drill fail",
          "[diagnose]") {
  Cluster cluster;
  cluster.target_resume_token = "1-abc-def";
  const Report report = cluster.Run({"", "", "100"});
  INFO(RenderText(report));
  REQUIRE(report.failovers.size() == 1);
  const FailoverDrill& drill = report.failovers[0];
  CHECK_FALSE(drill.ready);
  CHECK(drill.severity == Severity::kCritical);
  CHECK(report.severity == Severity::kCritical);
  REQUIRE(DrillCheck(drill, "no interrupted receive") != nullptr);
  CHECK(DrillCheck(drill, "no interrupted receive")
            ->detail.rfind("partial_receive: ", 0) == 0);
  CHECK(RenderText(report).find("NOT READY [CRITICAL]") != std::string::npos);
}

// Guest 100's drill while pve1, its node, is down: pve2 holds the replica
// of 100-0 (synced at 1700000090). `last_job_list`: the daemon read pve1's
// jobs before it went down; a single `diagnose` run never did.
FailoverDrill DrillWithSourceDown(bool last_job_list) {
  ClusterView view("lab", kViewTime);
  if (last_job_list) {
    view.Add("pve1", Jobs("pve1", 100, "pve2", 0));
    view.MarkUnreachable("pve1", 1700000000);
  }
  view.Add("pve2", Jobs("pve2", 200, "pve3", 0));
  view.Add("pve2", SnapshotsFacts::FromZfsList(Snap(kBase, 33, 90)));
  view.Add("pve2", Datasets("0"));
  view.Add("pve2", Pools("ONLINE"));
  const Report report =
      Diagnose({AnalyzeCluster(view)}, {{"lab", "pve1", "connect timed out"}},
               {"", "", "100"});
  INFO(RenderText(report));
  REQUIRE(report.failovers.size() == 1);
  return report.failovers[0];
}

TEST_CASE("with the source down the drill says to fence it first",
          "[diagnose]") {
  for (const bool last_job_list : {true, false}) {
    INFO("pve1's last job list known: " << last_job_list);
    const FailoverDrill drill = DrillWithSourceDown(last_job_list);
    CHECK(drill.source == "pve1");
    CHECK(drill.target == "pve2");
    CHECK(drill.ready);
    CHECK(drill.data_loss_seconds == kViewTime - 1700000090);
    const Check* stopped = DrillCheck(drill, "guest 100 stopped on pve1");
    REQUIRE(stopped != nullptr);
    CHECK(stopped->severity == Severity::kWarning);
    CHECK(stopped->detail.find("fenced or powered off") != std::string::npos);
    CHECK(drill.severity == Severity::kWarning);
  }
}

TEST_CASE("an ssh failure with an intact chain is Plan A", "[diagnose]") {
  Cluster cluster;
  cluster.failures = 3;
  cluster.ssh_ok = false;
  cluster.source_snapshots += Snap("__replicate_100-0_1700000200__", 44, 200);
  const Report report = cluster.Run();
  const JobDiagnosis& job = Job100(report);
  CHECK(job.severity == Severity::kCritical);
  CHECK(job.plane == "control-plane");
  CHECK(job.error_class == "ssh");
  CHECK(job.prerequisites[0].severity == Severity::kCritical);
  const VolumeVerdict& volume = job.volumes.at(0);
  CHECK(volume.plan == Plan::kRepairChain);
  CHECK(HasCommand(volume, "zfs send -nPv -i " + kVolume + "@" + kBase + " " +
                               kVolume + "@__replicate_100-0_1700000200__"));
  CHECK(HasCommand(volume, "pvesr schedule-now 100-0"));
}

TEST_CASE("Plan A discards a partial receive before the job runs again",
          "[diagnose]") {
  Cluster cluster;
  cluster.failures = 1;
  cluster.target_resume_token = "1-e604ea4bf-e0-789c63a2";
  const Report report = cluster.Run();
  const VolumeVerdict& volume = Job100(report).volumes.at(0);
  CHECK(volume.plan == Plan::kRepairChain);
  const auto& commands = volume.commands;
  const auto discard =
      std::find(commands.begin(), commands.end(), "zfs receive -A " + kVolume);
  const auto run_now =
      std::find(commands.begin(), commands.end(), "pvesr schedule-now 100-0");
  REQUIRE(discard != commands.end());
  REQUIRE(run_now != commands.end());
  CHECK(discard < run_now);
}

TEST_CASE("Plan A without partial receive state prints no receive -A",
          "[diagnose]") {
  Cluster cluster;
  cluster.failures = 1;
  const Report report = cluster.Run();
  const VolumeVerdict& volume = Job100(report).volumes.at(0);
  CHECK(volume.plan == Plan::kRepairChain);
  CHECK_FALSE(HasCommand(volume, "zfs receive -A " + kVolume));
}

TEST_CASE("a chain without common snapshots is Plan B", "[diagnose]") {
  Cluster cluster;
  cluster.failures = 1;
  cluster.target_snapshots = Snap("autosnap_x", 99, 5);  // "cleaned up"
  const Report report = cluster.Run();
  const JobDiagnosis& job = Job100(report);
  const VolumeVerdict& volume = job.volumes.at(0);
  CHECK(volume.plan == Plan::kReseed);
  CHECK(volume.severity == Severity::kCritical);
  REQUIRE(volume.preconditions.size() == 2);
  CHECK(volume.preconditions[0].severity == Severity::kOk);  // guest on pve1
  CHECK(volume.preconditions[1].severity == Severity::kOk);  // room enough
  // The cautious path: pause, rename (the way back), re-seed, destroy later.
  CHECK(HasCommand(volume, "pvesr disable 100-0"));
  CHECK(HasCommand(
      volume, "zfs rename " + kVolume + " rpool/data/stale-vm-100-disk-0"));
  CHECK(HasCommand(volume, "pvesr enable 100-0"));
  CHECK(HasCommand(volume, "pvesr schedule-now 100-0"));
  for (const auto& line : volume.commands) {
    if (line.find("zfs destroy") != std::string::npos) {
      CHECK(line.rfind("# later, on pve2: ", 0) == 0);
    }
  }
  CHECK(volume.commands.front().find("DO NOT RUN") == std::string::npos);
  CHECK(volume.preconditions[1].detail ==
        "976.6 KiB needed, 762.9 MiB available");
}

TEST_CASE("a chain read across a run is unknown and not Plan B", "[diagnose]") {
  Cluster cluster;
  // pve1 was listed after a run the job state and pve2's listing predate:
  // its cleanup removed the snapshots pve2 still holds.
  cluster.source_snapshots = Snap("__replicate_100-0_1700000200__", 44, 200);
  const Report report = cluster.Run();
  const VolumeVerdict& volume = Job100(report).volumes.at(0);
  CHECK(volume.plan == Plan::kNone);
  CHECK(volume.severity == Severity::kUnknown);
  CHECK(volume.summary.find("either side of a run") != std::string::npos);
  CHECK(volume.commands.empty());
}

TEST_CASE("the runbook's Plan B is the plan diagnose prints", "[diagnose]") {
  // The runbook's lines without their Markdown indentation, in order.
  std::ifstream file(std::string(REPLWATCH_SOURCE_DIR) + "/docs/runbook.md");
  std::string runbook, line;
  while (std::getline(file, line)) {
    runbook +=
        line.substr(std::min(line.find_first_not_of(' '), line.size())) + "\n";
  }
  REQUIRE_FALSE(runbook.empty());
  const auto lines = RenderSteps(
      ReseedSteps("<job>", "<source>", "<target>", "<pool>/<path>/<disk>"));
  std::string block;
  for (const auto& step_line : lines) block += step_line + "\n";
  INFO(block);
  CHECK(runbook.find(block) != std::string::npos);
}

TEST_CASE("Plan B refuses when the guest lives on the target", "[diagnose]") {
  Cluster cluster;
  cluster.target_snapshots = Snap("autosnap_x", 99, 5);
  cluster.guest_on_target = 100;
  const Report report = cluster.Run();
  const JobDiagnosis& job = Job100(report);
  const VolumeVerdict& volume = job.volumes.at(0);
  CHECK(volume.preconditions[0].severity == Severity::kCritical);
  CHECK(volume.commands.front().find("DO NOT RUN") != std::string::npos);
}

TEST_CASE("filters select jobs and nothing selected is UNKNOWN", "[diagnose]") {
  CHECK(Cluster().Run({"", "pve2"}).jobs.size() == 2);  // target or source
  const Report none = Cluster().Run({"999-0", ""});
  CHECK(none.jobs.empty());
  CHECK(none.severity == Severity::kUnknown);
}

TEST_CASE("the JSON report parses and carries the exit code", "[diagnose]") {
  Cluster cluster;
  cluster.failures = 2;
  const std::string json = RenderJson(cluster.Run());
  const text::JsonValue root = text::ParseJson(json);
  CHECK(root.Find("status")->AsString() == "CRITICAL");
  CHECK(json.find("\"exit_code\":2") != std::string::npos);
  CHECK(json.find("\"plan\":\"repair_chain\"") != std::string::npos);
  // The alert that pages for the same state, for the status page and scripts.
  CHECK(json.find("\"state\":\"failing\",\"alert\":\"ReplwatchJobFailing\"") !=
        std::string::npos);
}

}  // namespace
}  // namespace replwatch::diagnose

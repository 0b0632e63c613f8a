// The field guide's fast diagnosis playbook, applied to facts: is it the
// control plane or the data plane, what was the real error, do the three
// boring prerequisites hold, and if it is slow rather than failed, where is
// the throughput going.

#include "diagnose/diagnosis.h"

#include <algorithm>
#include <map>
#include <set>

#include "analysis/guest_failover.h"
#include "analysis/job_headroom.h"
#include "analysis/link_mtu.h"
#include "analysis/volume_chain.h"
#include "collectors/datasets.h"
#include "collectors/jobs.h"
#include "collectors/nic.h"
#include "collectors/paths.h"
#include "collectors/pools.h"
#include "collectors/pve_volume_names.h"
#include "collectors/snapshots.h"
#include "diagnose/encryption_check.h"
#include "diagnose/failover_drill.h"
#include "diagnose/human_units.h"
#include "diagnose/unreachable_source.h"
#include "diagnose/volume_verdict.h"

namespace replwatch::diagnose {
namespace {

using parsers::ReplicationErrorClass;

std::string Plane(ReplicationErrorClass error_class) {
  switch (error_class) {
    case ReplicationErrorClass::kSsh:
    case ReplicationErrorClass::kLockTimeout:
      return "control-plane";
    case ReplicationErrorClass::kUnknown:
      return "unknown";
    default:
      return "data-plane";
  }
}

// ReplwatchJobRPOBreached's rule: the replica is older than its schedule
// allows (nothing is allowed of a schedule not understood).
bool PastAllowedAge(const JobFacts& job) {
  return job.schedule_interval_seconds > 0 &&
         job.rpo_seconds >
             AllowedDataLossSeconds(job.schedule_interval_seconds);
}

Severity SeverityOf(PoolFill fill) {
  switch (fill) {
    case PoolFill::kOk:
      return Severity::kOk;
    case PoolFill::kFilling:
      return Severity::kWarning;
    case PoolFill::kFull:
      return Severity::kCritical;
    case PoolFill::kUnknown:
      break;
  }
  return Severity::kUnknown;
}

void JudgeState(const JobFacts& job, double now, JobDiagnosis& out) {
  const auto& state = job.state;
  const double interval = job.schedule_interval_seconds;
  if (state.disabled) {
    out.state = "disabled";
    out.severity = Severity::kOk;
  } else if (state.fail_count > 0 || state.error) {
    out.state = "failing";
    out.severity = Severity::kCritical;
    out.alert = "ReplwatchJobFailing";
  } else if (const auto stalled = job.StalledFor(now)) {
    out.state = "stuck";
    out.severity = Severity::kWarning;
    out.alert = "ReplwatchJobStalled";
    out.prerequisites.push_back(
        {"run of " + state.id + " on " + out.source, Severity::kWarning,
         "syncing for " + HumanDuration(*stalled) + " on a schedule of " +
             HumanDuration(interval) +
             "; PVE runs this node's other jobs only after it",
         "ReplwatchJobStalled"});
  } else if (state.syncing()) {
    out.state = "syncing";
    out.severity = Severity::kOk;
  } else if (PastAllowedAge(job)) {
    out.state = "stale";
    out.severity = Severity::kCritical;
    out.alert = "ReplwatchJobRPOBreached";
  } else {
    out.state = "ok";
    out.severity = Severity::kOk;
  }
  if (job.error) {
    out.error_class =
        std::string(parsers::ErrorClassName(job.error->error_class));
    out.error_line = job.error->error_line;
    out.plane = Plane(job.error->error_class);
  }
}

// A replica older than its schedule allows, whatever the job's state says
// first (a failing or syncing job pages ReplwatchJobRPOBreached too).
void CheckReplicaAge(const JobFacts& job, JobDiagnosis& out) {
  if (out.state == "stale" || out.state == "disabled" || !PastAllowedAge(job)) {
    return;
  }
  const double allowed = AllowedDataLossSeconds(job.schedule_interval_seconds);
  out.prerequisites.push_back(
      {"age of the replica of " + out.job_id, Severity::kCritical,
       HumanDuration(job.rpo_seconds) + ", over the " + HumanDuration(allowed) +
           " its schedule allows",
       "ReplwatchJobRPOBreached"});
}

// The same rule as replwatch_link_mtu_mismatch and _path_mtu_ok; nothing
// when neither is known.
std::optional<Check> CheckMtu(const LinkMtu& link, const std::string& source,
                              const std::string& target) {
  const auto mismatch = link.Mismatch();
  if (!mismatch && !link.path_ok) return std::nullopt;
  Check check{"MTU " + source + " -> " + target, Severity::kOk, "",
              "ReplwatchMtuMismatch"};
  if (mismatch) {
    check.severity = *mismatch ? Severity::kWarning : Severity::kOk;
    check.detail = std::to_string(*link.source) + " on " + source + ", " +
                   std::to_string(*link.target) + " on " + target;
  }
  if (link.path_ok) {
    if (!check.detail.empty()) check.detail += "; ";
    check.detail += *link.path_ok
                        ? "a don't-fragment probe of that size got through"
                        : "a don't-fragment probe of that size was lost: "
                          "large packets are dropped on the way";
    if (!*link.path_ok) check.severity = Severity::kWarning;
  }
  return check;
}

// The stuck job on the same node as `job` (not `job` itself), or "".
std::string StalledJobBeside(const JobsFacts& jobs, const JobFacts& job) {
  for (const JobFacts& other : jobs.jobs) {
    if (other.state.id != job.state.id && other.StalledFor(jobs.collected_at)) {
      return other.state.id;
    }
  }
  return "";
}

void CheckPrerequisites(const ClusterAnalysis& analysis, const JobAnalysis& job,
                        JobDiagnosis& out) {
  const ClusterView& view = analysis.view;
  const std::vector<std::string>& volumes = job.volumes;
  const std::string& source = out.source;
  const std::string& target = out.target;
  Check ssh{"ssh " + source + " -> " + target + " (BatchMode)",
            Severity::kUnknown, "no check result (paths collector)",
            "ReplwatchNodeSshBroken"};
  if (const auto* paths = view.Find<PathsFacts>(source)) {
    if (const PathCheck* path = paths->Find(target); path && path->ssh_ok) {
      ssh.severity = *path->ssh_ok ? Severity::kOk : Severity::kCritical;
      ssh.detail = *path->ssh_ok ? "works" : path->ssh_error;
    }
  }
  out.prerequisites.push_back(ssh);
  if (std::optional<Check> mtu =
          CheckMtu(analysis.paths.at({source, target}).mtu, source, target)) {
    out.prerequisites.push_back(*mtu);
  }

  for (const std::string& node : {source, target}) {
    const auto* pools = view.Find<PoolsFacts>(node);
    for (const auto& volume : volumes) {
      const std::string pool_name(PoolOfDataset(volume));
      Check check{"pool " + pool_name + " on " + node, Severity::kUnknown,
                  "no pool facts"};
      if (const PoolInfo* pool = pools ? pools->Find(pool_name) : nullptr) {
        const std::vector<std::string> problems = pool->Problems();
        const bool healthy = problems.empty();
        const PoolFill fill = pool->Fill();
        check.severity = healthy ? SeverityOf(fill) : Severity::kCritical;
        check.alert = !healthy                  ? "ReplwatchPoolDegraded"
                      : fill == PoolFill::kFull ? "ReplwatchTargetPoolFull"
                                                : "ReplwatchTargetPoolFilling";
        std::string state = pool->health;
        // An ONLINE pool can still hold a faulted vdev or data errors.
        if (!healthy && problems.front().rfind("state_", 0) != 0) {
          state += " (";
          for (std::size_t i = 0; i < problems.size(); ++i) {
            state += (i ? ", " : "") + problems[i];
          }
          state += ")";
        }
        check.detail =
            state + ", " +
            (pool->capacity_ratio ? std::to_string(static_cast<int>(
                                        *pool->capacity_ratio * 100)) +
                                        "% full"
                                  : "capacity unknown");
      }
      out.prerequisites.push_back(check);
      break;  // one pool per node is enough: volumes share rpool in PVE
    }
  }

  Check room{"headroom on " + target + " for the next sync", Severity::kUnknown,
             "no dataset facts", "ReplwatchNextSyncWontFit"};
  if (const auto& headroom = job.headroom) {
    room.severity = headroom->pending_bytes > headroom->headroom_bytes
                        ? Severity::kCritical
                        : Severity::kOk;
    room.detail = HumanBytes(headroom->pending_bytes) + " pending" +
                  (headroom->full_sync_volumes > 0
                       ? " (" + std::to_string(headroom->full_sync_volumes) +
                             " volume(s) sent in full)"
                       : "") +
                  ", " + HumanBytes(headroom->headroom_bytes) + " available";
  }
  out.prerequisites.push_back(room);
}

void CheckThroughput(const ClusterView& view, const JobsFacts& jobs,
                     JobDiagnosis& out) {
  for (const std::string& node : {out.source, out.target}) {
    if (const auto* nic = view.Find<NicFacts>(node)) {
      for (const auto& iface : nic->interfaces) {
        const auto errors =
            iface.rx_errors.value_or(0) + iface.tx_errors.value_or(0);
        const auto drops =
            iface.rx_dropped.value_or(0) + iface.tx_dropped.value_or(0);
        if (errors + drops == 0) continue;
        out.throughput.push_back(
            {"nic " + iface.name + " on " + node, Severity::kWarning,
             std::to_string(errors) + " errors, " + std::to_string(drops) +
                 " drops since boot",
             "ReplwatchNicErrorsRising"});
      }
    }
    if (const auto* pools = view.Find<PoolsFacts>(node)) {
      for (const auto& pool : pools->pools) {
        if (pool.scan.state != parsers::ScanState::kInProgress) continue;
        out.throughput.push_back({"scan on " + pool.name + " on " + node,
                                  Severity::kWarning,
                                  "a scrub or resilver competes for I/O",
                                  "ReplwatchScanDuringReplication"});
      }
    }
  }
  std::size_t others = 0;
  for (const auto& other : jobs.jobs) {
    if (other.state.id != out.job_id && other.state.syncing()) ++others;
  }
  if (others > 0) {
    out.throughput.push_back(
        {"overlapping jobs on " + out.source, Severity::kWarning,
         std::to_string(others) + " other job(s) syncing"});
  }
}

// `sources` is a node name or "a or b" (the unreachable nodes a job's
// replicas may come from).
bool NamesNode(const std::string& sources, const std::string& node) {
  std::size_t at = 0;
  while (true) {
    const std::size_t end = sources.find(" or ", at);
    if (sources.compare(at, end == std::string::npos ? end : end - at, node) ==
        0) {
      return true;
    }
    if (end == std::string::npos) return false;
    at = end + 4;
  }
}

// The failover drill for each target of `filter.guest`, also while its
// source is unreachable, which is when it matters: from the source's last
// job list, or (a single `diagnose` run never read it) from the replicas of
// the guest's jobs that the reachable nodes hold.
void DrillGuest(const ClusterView& view,
                const std::map<std::string, JobVolumeIndex>& index_of,
                const Filter& filter, Report& report) {
  std::set<std::string> drilled;
  auto drill = [&](const std::string& source, const JobFacts& job) {
    if (std::to_string(job.state.guest) != filter.guest) return;
    if (!filter.job_id.empty() && job.state.id != filter.job_id) return;
    if (!drilled.insert(job.state.id).second) return;
    FailoverDrill out = DrillFailover(
        view, source, job,
        JobVolumes(JobVolumesOfNode(index_of, source),
                   JobVolumesOfNode(index_of, job.state.target), job.state.id));
    report.severity = Worst(report.severity, out.severity);
    report.failovers.push_back(std::move(out));
  };
  for (const auto& node : view.nodes()) {
    const auto* jobs = view.Find<JobsFacts>(node);
    if (jobs == nullptr) continue;
    for (const JobFacts& job : jobs->jobs) drill(node, job);
  }
  const std::string sources = UnreachableSourcesOf(view, report.unreachable);
  if (sources.empty()) return;
  for (const auto& node : view.nodes()) {
    if (view.UnreachableSince(node)) continue;
    for (const auto& [job_id, volumes] : JobVolumesOfNode(index_of, node)) {
      if (job_id.substr(0, job_id.find('-')) != filter.guest) continue;
      JobFacts job;
      job.state.id = job_id;
      job.state.guest = std::stoull(filter.guest);
      job.state.source = sources;
      job.state.target = node;
      drill(sources, job);
    }
  }
}

}  // namespace

Report Diagnose(const std::vector<ClusterAnalysis>& clusters,
                std::vector<NodeProblem> unreachable, const Filter& filter) {
  Report report;
  report.unreachable = std::move(unreachable);
  report.severity =
      report.unreachable.empty() ? Severity::kOk : Severity::kCritical;
  for (const ClusterAnalysis& analysis : clusters) {
    const ClusterView& view = analysis.view;
    const auto& index_of = analysis.volumes_of_node;
    for (const JobAnalysis& analyzed : analysis.jobs) {
      const std::string& node = analyzed.source;
      const JobFacts& job = *analyzed.job;
      const JobsFacts& jobs = *analyzed.list;
      if (view.UnreachableSince(node)) continue;  // its last job list
      if (!filter.job_id.empty() && job.state.id != filter.job_id) continue;
      if (!filter.guest.empty() &&
          std::to_string(job.state.guest) != filter.guest) {
        continue;
      }
      if (!filter.node.empty() && node != filter.node &&
          job.state.target != filter.node) {
        continue;
      }
      JobDiagnosis out;
      out.cluster = view.cluster();
      out.job_id = job.state.id;
      out.guest = std::to_string(job.state.guest);
      out.source = node;
      out.target = job.state.target;
      out.schedule = job.state.schedule;
      out.schedule_interval_seconds = job.schedule_interval_seconds;
      out.rpo_seconds = job.rpo_seconds;
      out.last_sync = static_cast<double>(job.state.last_sync);
      JudgeState(job, jobs.collected_at, out);
      CheckReplicaAge(job, out);
      if (out.state == "stale" || out.state == "failing") {
        out.blocked_by = StalledJobBeside(jobs, job);
      }
      if (!out.blocked_by.empty()) {
        out.prerequisites.push_back(
            {"no stuck job on " + node, Severity::kWarning,
             out.blocked_by + " has been syncing far longer than its "
                              "schedule; this job waits behind it",
             "ReplwatchJobStalled"});
      }
      CheckPrerequisites(analysis, analyzed, out);
      for (Check& check : CheckEncryption(view, analyzed.volumes, out)) {
        out.prerequisites.push_back(std::move(check));
      }
      if (out.state == "syncing" || out.state == "failing" ||
          out.state == "stuck") {
        CheckThroughput(view, jobs, out);
      }
      for (std::size_t i = 0; i < analyzed.volumes.size(); ++i) {
        out.volumes.push_back(JudgeVolume(view, job, out, analyzed.volumes[i],
                                          analyzed.chains[i]));
      }
      for (const auto& check : out.prerequisites) {
        out.severity = Worst(out.severity, check.severity);
      }
      for (const auto& verdict : out.volumes) {
        out.severity = Worst(out.severity, verdict.severity);
      }
      report.severity = Worst(report.severity, out.severity);
      report.jobs.push_back(std::move(out));
    }
    for (JobDiagnosis& job :
         DiagnoseUnreachableSources(view, index_of, report.unreachable)) {
      if (!filter.job_id.empty() && job.job_id != filter.job_id) continue;
      if (!filter.guest.empty() && job.guest != filter.guest) continue;
      if (!filter.node.empty() && job.target != filter.node &&
          !NamesNode(job.source, filter.node)) {
        continue;
      }
      report.severity = Worst(report.severity, job.severity);
      report.jobs.push_back(std::move(job));
    }
    if (!filter.guest.empty()) DrillGuest(view, index_of, filter, report);
  }
  if (report.jobs.empty() && report.failovers.empty() &&
      report.unreachable.empty()) {
    report.severity = Severity::kUnknown;  // nothing matched: say so
  }
  return report;
}

Severity Worst(Severity a, Severity b) {
  // UNKNOWN only wins over OK: a known problem outranks missing data.
  if (a == Severity::kUnknown) return b == Severity::kOk ? a : b;
  if (b == Severity::kUnknown) return a == Severity::kOk ? b : a;
  return std::max(a, b);
}

std::string SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kOk:
      return "OK";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kCritical:
      return "CRITICAL";
    case Severity::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

}  // namespace replwatch::diagnose

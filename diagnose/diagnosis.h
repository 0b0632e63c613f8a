#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/cluster_analysis.h"

namespace replwatch::diagnose {

/// Nagios/Icinga plugin states; also `replwatch diagnose`'s exit code.
enum class Severity { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };

/// What to do about a volume (the field guide's recovery plans).
enum class Plan {
  kNone,         // healthy, or waiting for its first full sync
  kRepairChain,  // Plan A: a common snapshot exists; let the chain continue
  kReseed,       // Plan B: no common snapshot; replace the replica
};

/// One finding, e.g. "ssh from pve1 to pve2 in BatchMode".
struct Check {
  std::string name;
  Severity severity = Severity::kUnknown;
  std::string detail;
  /// The alert (alerts/replwatch-alerts.yml) that pages for this condition,
  /// "" if none does: its runbook section says what to do.
  std::string alert = {};
};

/// The verdict for one replicated volume of a job.
struct VolumeVerdict {
  std::string volume;
  Severity severity = Severity::kUnknown;
  Plan plan = Plan::kNone;
  std::string summary;
  std::string alert;                  // as Check::alert, for the plan
  std::vector<Check> preconditions;   // Plan B's must all hold
  std::vector<std::string> commands;  // printed for a human, never run
};

/// The fast diagnosis playbook applied to one replication job.
struct JobDiagnosis {
  std::string cluster, job_id, guest, source, target;
  Severity severity = Severity::kUnknown;
  std::string state;  // ok, failing, stale, syncing, stuck, disabled
  std::string alert;  // as Check::alert, for the state ("" when ok)
  std::string schedule;
  double schedule_interval_seconds = 0;  // 0: schedule not understood
  double rpo_seconds = 0;                // age of the replica
  double last_sync = 0;                  // epoch seconds, 0 = never
  std::string plane;  // control-plane / data-plane (when failing)
  std::string error_class, error_line;
  /// The job on the same node that has run far too long: PVE runs a node's
  /// jobs one at a time, so this one waits behind it.
  std::string blocked_by;
  std::vector<Check> prerequisites;  // ssh, pools, headroom, common base
  std::vector<Check> throughput;     // when slow or stuck
  std::vector<VolumeVerdict> volumes;
};

/// The DR drill for one guest and one of its job's targets: could the guest
/// start there now, what would it lose, what to check first.
struct FailoverDrill {
  std::string cluster, guest, job_id, source, target;
  Severity severity = Severity::kUnknown;
  bool ready = false;
  std::optional<double> data_loss_seconds;
  std::vector<Check> checks;
  std::vector<std::string> commands;  // to verify by hand, never run
};

/// A node replwatch could not read (its jobs cannot be judged).
struct NodeProblem {
  std::string cluster, node, error;
};

struct Report {
  Severity severity = Severity::kUnknown;
  std::vector<JobDiagnosis> jobs;
  std::vector<NodeProblem> unreachable;
  std::vector<FailoverDrill> failovers;  // with Filter::guest only
};

/// Which jobs to look at: empty = all; `node` matches source or target;
/// `guest` also runs the failover drill for each of the guest's targets.
struct Filter {
  std::string job_id;
  std::string node;
  std::string guest = {};  // defaulted: a {job_id, node} filter leaves it out
};

/// Diagnoses every job of every cluster from one collection cycle's facts.
Report Diagnose(const std::vector<ClusterAnalysis>& clusters,
                std::vector<NodeProblem> unreachable, const Filter& filter);

/// The more severe of two; UNKNOWN outranks only OK (a known problem
/// outranks missing data).
Severity Worst(Severity a, Severity b);
std::string SeverityName(Severity severity);
std::string RenderText(const Report& report);
std::string RenderJson(const Report& report);

}  // namespace replwatch::diagnose

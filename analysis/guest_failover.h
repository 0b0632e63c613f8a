#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/cluster_view.h"
#include "analysis/volume_chain.h"
#include "collectors/jobs.h"
#include "exposition/metric_set.h"

namespace replwatch {

/// Why a guest could not start from its replica on a job's target now.
/// The values are the bounded `reason` label of
/// replwatch_guest_failover_blocker.
enum class FailoverBlocker {
  kTargetUnknown,          // the target's facts are not current
  kNoReplica,              // a volume (or every volume) is missing there
  kReplicaMismatch,        // replica of another type or volsize
  kNoReplicationSnapshot,  // the replica holds none of the job's snapshots
  kNoCommonSnapshot,       // none shared with the source (source known)
  kPartialReceive,         // an interrupted receive left a resume token
  kKeyUnavailable,         // encrypted, key not loaded
  kPoolUnhealthy,          // the target pool is not healthy
};

std::string_view BlockerLabel(FailoverBlocker blocker);

/// Whether a failover of a job's guest to its target would work now, and
/// what it would restore. Judged from the target's own facts, so that it
/// stays known while the source is down; the source's facts, when current,
/// add the checks that need both ends (common snapshot, type and size).
struct FailoverReadiness {
  std::set<FailoverBlocker> blockers;
  /// Creation time of the newest replication snapshot every volume holds
  /// on the target (ReplicaRestorePoint), if known.
  std::optional<std::int64_t> restore_point;

  bool ready() const { return blockers.empty(); }
};

/// The most a failover may lose before ReplwatchGuestFailoverDataLoss (and
/// ReplwatchJobRPOBreached, for the job's RPO) fire: two schedule intervals
/// and 5 minutes of grace; the alerts write the same rule in PromQL.
inline double AllowedDataLossSeconds(double schedule_interval_seconds) {
  return 2 * schedule_interval_seconds + 300;
}

/// `job`'s guest on `job`'s target, over the job's `volumes` and their
/// `chains` (AnalyzeChains, in the same order).
FailoverReadiness AnalyzeFailover(const ClusterView& view, const JobFacts& job,
                                  const std::vector<std::string>& volumes,
                                  const VolumeChainInputs& inputs,
                                  const std::vector<ChainState>& chains);

/// replwatch_guest_failover_* for `job` (labels: the job's), from its
/// AnalyzeFailover() at `view`'s time.
void RenderGuestFailover(const ClusterView& view, const JobFacts& job,
                         const FailoverReadiness& readiness,
                         const LabelList& job_labels, MetricSet& out);

}  // namespace replwatch

#include "analysis/guest_failover.h"

#include <algorithm>

#include "analysis/replica_restore_point.h"
#include "collectors/datasets.h"
#include "collectors/pools.h"
#include "collectors/pve_volume_names.h"
#include "collectors/snapshots.h"
#include "collectors/unreplicated_disks.h"

namespace replwatch {
namespace {

// The checks of one volume that the target alone can answer.
void CheckReplica(const std::string& volume, const std::string& job_id,
                  const SnapshotsFacts& snapshots,
                  const DatasetsFacts& datasets, const PoolsFacts& pools,
                  std::set<FailoverBlocker>& blockers) {
  const DatasetInfo* replica = datasets.Find(volume);
  if (replica == nullptr) {
    blockers.insert(FailoverBlocker::kNoReplica);
    return;
  }
  if (snapshots.LatestReplicationSnapshot(volume, job_id) == nullptr) {
    blockers.insert(FailoverBlocker::kNoReplicationSnapshot);
  }
  if (replica->receive_resume_token) {
    blockers.insert(FailoverBlocker::kPartialReceive);
  }
  if (replica->encrypted() && replica->keystatus != "available") {
    blockers.insert(FailoverBlocker::kKeyUnavailable);
  }
  const PoolInfo* pool = pools.Find(std::string(PoolOfDataset(volume)));
  if (pool == nullptr || !pool->Healthy()) {
    blockers.insert(FailoverBlocker::kPoolUnhealthy);
  }
}

}  // namespace

std::string_view BlockerLabel(FailoverBlocker blocker) {
  switch (blocker) {
    case FailoverBlocker::kTargetUnknown:
      return "target_unknown";
    case FailoverBlocker::kNoReplica:
      return "no_replica";
    case FailoverBlocker::kReplicaMismatch:
      return "replica_mismatch";
    case FailoverBlocker::kNoReplicationSnapshot:
      return "no_replication_snapshot";
    case FailoverBlocker::kNoCommonSnapshot:
      return "no_common_snapshot";
    case FailoverBlocker::kPartialReceive:
      return "partial_receive";
    case FailoverBlocker::kKeyUnavailable:
      return "key_unavailable";
    case FailoverBlocker::kPoolUnhealthy:
      return "pool_unhealthy";
  }
  return "unknown";
}

FailoverReadiness AnalyzeFailover(const ClusterView& view, const JobFacts& job,
                                  const std::vector<std::string>& volumes,
                                  const VolumeChainInputs& inputs,
                                  const std::vector<ChainState>& chains) {
  FailoverReadiness readiness;
  if (inputs.target_snapshots != nullptr && !volumes.empty()) {
    readiness.restore_point =
        ReplicaRestorePoint(*inputs.target_snapshots, volumes, job.state.id);
  }
  const auto* pools = view.Find<PoolsFacts>(job.state.target);
  if (inputs.target_snapshots == nullptr || inputs.target_datasets == nullptr ||
      pools == nullptr) {
    readiness.blockers.insert(FailoverBlocker::kTargetUnknown);
    return readiness;
  }
  // A job whose replication snapshots exist nowhere has not synced once.
  if (volumes.empty()) readiness.blockers.insert(FailoverBlocker::kNoReplica);
  for (std::size_t i = 0; i < volumes.size(); ++i) {
    CheckReplica(volumes[i], job.state.id, *inputs.target_snapshots,
                 *inputs.target_datasets, *pools, readiness.blockers);
    // A chain needs both ends: with the source down it says nothing.
    const ChainState& chain = chains[i];
    if (!chain.known || !chain.source_exists || !chain.target_exists) {
      continue;
    }
    // A replica that really lost its base, but was read across a run, shows
    // in the data loss and in the job's next run.
    if (chain.NoCommonBase().value_or(false)) {
      readiness.blockers.insert(FailoverBlocker::kNoCommonSnapshot);
    }
    if (chain.TypeMismatch().value_or(false) ||
        chain.SizeMismatch().value_or(false)) {
      readiness.blockers.insert(FailoverBlocker::kReplicaMismatch);
    }
  }
  // A disk added since the job's last run has no replication snapshot yet,
  // so it is not among `volumes`; the source's config names it.
  if (const auto* disks = view.Find<UnreplicatedDisksFacts>(job.state.source)) {
    const auto guest = disks->guests.find(job.state.guest);
    if (guest == disks->guests.end()) return readiness;
    for (const std::string& dataset : guest->second.replicated_datasets) {
      if (std::find(volumes.begin(), volumes.end(), dataset) != volumes.end()) {
        continue;
      }
      CheckReplica(dataset, job.state.id, *inputs.target_snapshots,
                   *inputs.target_datasets, *pools, readiness.blockers);
    }
  }
  return readiness;
}

void RenderGuestFailover(const ClusterView& view, const JobFacts& job,
                         const FailoverReadiness& readiness,
                         const LabelList& job_labels, MetricSet& out) {
  out.Gauge("replwatch_guest_failover_ready",
            "1 if the guest could start on the job's target now: every "
            "replicated volume has a replica of the right type and size "
            "holding a replication snapshot (shared with the source, when "
            "the source is known), no partial receive, its key loaded if "
            "encrypted, on a healthy pool.",
            job_labels, readiness.ready() ? 1 : 0);
  for (const FailoverBlocker blocker : readiness.blockers) {
    LabelList labels = job_labels;
    labels.emplace_back("reason", std::string(BlockerLabel(blocker)));
    out.Gauge("replwatch_guest_failover_blocker",
              "1 for each reason the guest is not failover-ready on the "
              "target.",
              labels, 1);
  }
  if (readiness.restore_point) {
    out.Gauge("replwatch_guest_failover_data_loss_seconds",
              "What a failover to the target would lose now: the age of the "
              "newest replication snapshot every volume holds there (as of "
              "the latest collection).",
              job_labels,
              view.now() - static_cast<double>(*readiness.restore_point));
  }
  if (job.schedule_interval_seconds > 0) {
    // Also while the source is down, when the job's own series are gone:
    // the data loss alert measures against it.
    out.Gauge("replwatch_guest_replication_interval_seconds",
              "Interval of the guest's replication schedule to the target.",
              job_labels, job.schedule_interval_seconds);
  }
}

}  // namespace replwatch

#include "analysis/replica_restore_point.h"

#include <algorithm>

namespace replwatch {

std::optional<std::int64_t> ReplicaRestorePoint(
    const SnapshotsFacts& node_snapshots,
    const std::vector<std::string>& volumes, const std::string& job_id) {
  std::optional<std::int64_t> oldest;
  for (const auto& volume : volumes) {
    const Snapshot* newest =
        node_snapshots.LatestReplicationSnapshot(volume, job_id);
    if (newest == nullptr || newest->creation == Snapshot::kUnknownCreation) {
      return std::nullopt;
    }
    oldest = std::min(oldest.value_or(newest->creation), newest->creation);
  }
  return oldest;
}

}  // namespace replwatch

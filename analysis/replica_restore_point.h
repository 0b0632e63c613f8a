#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collectors/snapshots.h"

namespace replwatch {

/// The point in time a failover to `node_snapshots`' node would restore a
/// job's guest to: the creation time of the newest replication snapshot of
/// `job_id` held by the oldest of `volumes` there (each disk rolls back to
/// its own newest one). nullopt when a volume holds none, or a creation time
/// is unknown.
std::optional<std::int64_t> ReplicaRestorePoint(
    const SnapshotsFacts& node_snapshots,
    const std::vector<std::string>& volumes, const std::string& job_id);

}  // namespace replwatch

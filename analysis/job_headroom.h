#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collectors/datasets.h"

namespace replwatch {

/// What the next run of a job must ship against the room its target has.
struct JobHeadroom {
  /// Written since the newest snapshot for volumes the target holds (an
  /// incremental), plus `used` of each volume the target lacks: PVE sends
  /// that one in full (`zfs send -R`: the volume with its snapshots).
  std::uint64_t pending_bytes = 0;
  /// Smallest `available` the job's volumes have on the target (where a
  /// missing volume would be created: its nearest existing ancestor).
  std::uint64_t headroom_bytes = 0;
  std::size_t full_sync_volumes = 0;
};

/// nullopt when a number it needs is unknown (either side's datasets, a
/// volume's `written` or, for a full sync, its `used`).
std::optional<JobHeadroom> ComputeJobHeadroom(
    const std::vector<std::string>& volumes, const DatasetsFacts* source,
    const DatasetsFacts* target);

}  // namespace replwatch

#pragma once

#include <map>
#include <string>
#include <vector>

#include "collectors/snapshots.h"

namespace replwatch {

/// job id -> the datasets holding one of its __replicate_ snapshots.
using JobVolumeIndex = std::map<std::string, std::vector<std::string>>;

/// The volumes of each job in one node's snapshot listing (empty when
/// `snapshots` is null: the node has no current listing).
JobVolumeIndex IndexJobVolumes(const SnapshotsFacts* snapshots);

}  // namespace replwatch

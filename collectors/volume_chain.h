#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "collectors/datasets.h"
#include "collectors/metric_set.h"
#include "collectors/snapshots.h"

namespace replwatch {

/// What is known of one job on both ends (any pointer may be null: that
/// side's collector has no current facts).
struct VolumeChainInputs {
  std::string job_id;
  std::int64_t last_sync = 0;
  const SnapshotsFacts* source_snapshots = nullptr;
  const SnapshotsFacts* target_snapshots = nullptr;
  const DatasetsFacts* source_datasets = nullptr;
  const DatasetsFacts* target_datasets = nullptr;
};

/// job id -> the source datasets holding one of its __replicate_ snapshots.
using JobVolumeIndex = std::map<std::string, std::vector<std::string>>;
JobVolumeIndex IndexJobVolumes(const SnapshotsFacts* source_snapshots);

/// Snapshot-chain health of one replicated volume, matched by GUID (never
/// by name alone): replwatch_volume_* series with the job's labels plus
/// `volume`.
void RenderVolumeChain(const VolumeChainInputs& inputs,
                       const std::string& volume, const LabelList& job_labels,
                       MetricSet& out);

}  // namespace replwatch

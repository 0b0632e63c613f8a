#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cluster_view.h"
#include "collectors/datasets.h"
#include "collectors/job_volume_index.h"
#include "collectors/jobs.h"
#include "collectors/snapshots.h"
#include "exposition/metric_set.h"

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

/// Every node's job -> volumes index, by node name (built once per view).
std::map<std::string, JobVolumeIndex> IndexJobVolumesOfAllNodes(
    const ClusterView& view);

/// `node`'s index in `index_of` (IndexJobVolumesOfAllNodes), or an empty
/// one for a node it does not hold (a target outside the view).
const JobVolumeIndex& JobVolumesOfNode(
    const std::map<std::string, JobVolumeIndex>& index_of,
    const std::string& node);

/// The facts of `job`'s source (`source`) and target in `view`.
VolumeChainInputs ChainInputsFor(const ClusterView& view,
                                 const std::string& source,
                                 const JobFacts& job);

/// A job's volumes: datasets with its replication snapshots on the source
/// or on the target (snapshots deleted on one side must not hide the
/// volume), sorted.
std::vector<std::string> JobVolumes(const JobVolumeIndex& source,
                                    const JobVolumeIndex& target,
                                    const std::string& job_id);

/// The state of one replicated volume's snapshot chain, matched by GUID
/// (never by name alone).
struct ChainState {
  bool known = false;          // both ends' facts are current
  bool target_exists = false;  // false: the first full sync is pending
  bool source_exists = false;
  std::size_t common = 0;                 // replication snapshots on both ends
  const Snapshot* last_common = nullptr;  // on the source
  const Snapshot* newest_source = nullptr;  // newest snapshot on the source
  std::size_t source_ahead = 0;
  bool diverged = false;  // replica written to, or has snapshots of its own
  /// The last sync's snapshot on each side; nullopt when unknown: no sync
  /// yet, or that side's listing and the job state are of different runs.
  std::optional<bool> base_on_source;
  std::optional<bool> base_on_target;
  /// Whether a listing holds another run of the job than the job state
  /// describes (a base presence above is nullopt after a sync): the nodes
  /// were read at different moments around a run, so `common` may be 0 for
  /// a collection cycle without the chain being broken.
  bool listings_across_runs = false;
  const DatasetInfo* source_info = nullptr;
  const DatasetInfo* target_info = nullptr;

  /// Whether the ends share no replication snapshot, the base of the next
  /// incremental; nullopt when none is seen but the listings are of
  /// different runs, so the next cycle decides.
  std::optional<bool> NoCommonBase() const;
  /// Whether the replica is not of the source's type (volume vs
  /// filesystem); nullopt unless both datasets are known.
  std::optional<bool> TypeMismatch() const;
  /// Whether source and replica differ in volsize; nullopt unless both
  /// volsizes are known.
  std::optional<bool> SizeMismatch() const;
};
ChainState AnalyzeChain(const VolumeChainInputs& inputs,
                        const std::string& volume);
/// AnalyzeChain of each of `volumes`, in their order.
std::vector<ChainState> AnalyzeChains(const VolumeChainInputs& inputs,
                                      const std::vector<std::string>& volumes);

/// replwatch_volume_* series for `volume`'s `chain` with the job's labels
/// plus `volume`.
void RenderVolumeChain(const ChainState& chain, const std::string& volume,
                       const LabelList& job_labels, MetricSet& out);

}  // namespace replwatch

#include "collectors/volume_chain.h"

#include <algorithm>

#include "collectors/parsers/zfs_snapshot_list_parser.h"

namespace replwatch {
namespace {

bool IsReplicationSnapshot(std::string_view name) {
  return parsers::ParseReplicationSnapshotName(name).has_value();
}

bool HasSnapshotNamed(const std::vector<Snapshot>* snapshots,
                      const std::string& name) {
  if (snapshots == nullptr) return false;
  for (const Snapshot& snapshot : *snapshots) {
    if (snapshot.name == name) return true;
  }
  return false;
}

// The GUIDs of a snapshot list, for membership tests. A sorted vector:
// a hash set would allocate a node for each of a million snapshots.
class GuidSet {
 public:
  explicit GuidSet(const std::vector<Snapshot>* list) {
    if (list == nullptr) return;
    guids_.reserve(list->size());
    for (const Snapshot& snapshot : *list) guids_.push_back(snapshot.guid);
    std::sort(guids_.begin(), guids_.end());
  }
  bool Contains(std::uint64_t guid) const {
    return std::binary_search(guids_.begin(), guids_.end(), guid);
  }

 private:
  std::vector<std::uint64_t> guids_;
};

}  // namespace

JobVolumeIndex IndexJobVolumes(const SnapshotsFacts* source_snapshots) {
  JobVolumeIndex index;
  if (source_snapshots == nullptr) return index;
  for (const auto& [dataset, snapshots] : source_snapshots->datasets()) {
    std::string last_job;  // a dataset is listed once per job
    for (const Snapshot& snapshot : snapshots) {
      const auto parsed = parsers::ParseReplicationSnapshotName(snapshot.name);
      if (!parsed || parsed->job_id == last_job) continue;
      last_job = std::string(parsed->job_id);
      auto& volumes = index[last_job];
      if (volumes.empty() || volumes.back() != dataset) {
        volumes.push_back(dataset);
      }
    }
  }
  return index;
}

std::map<std::string, JobVolumeIndex> IndexJobVolumesOfAllNodes(
    const ClusterView& view) {
  std::map<std::string, JobVolumeIndex> index_of;
  for (const auto& node : view.nodes()) {
    index_of[node] =
        IndexJobVolumes(view.Find<SnapshotsFacts>(node, "snapshots"));
  }
  return index_of;
}

VolumeChainInputs ChainInputsFor(const ClusterView& view,
                                 const std::string& source,
                                 const JobFacts& job) {
  const std::string& target = job.state.target;
  return {job.state.id,
          job.state.last_sync,
          view.Find<SnapshotsFacts>(source, "snapshots"),
          view.Find<SnapshotsFacts>(target, "snapshots"),
          view.Find<DatasetsFacts>(source, "datasets"),
          view.Find<DatasetsFacts>(target, "datasets")};
}

std::vector<std::string> JobVolumes(const JobVolumeIndex& source,
                                    const JobVolumeIndex& target,
                                    const std::string& job_id) {
  std::vector<std::string> volumes;
  for (const JobVolumeIndex* index : {&source, &target}) {
    const auto found = index->find(job_id);
    if (found == index->end()) continue;
    volumes.insert(volumes.end(), found->second.begin(), found->second.end());
  }
  std::sort(volumes.begin(), volumes.end());
  volumes.erase(std::unique(volumes.begin(), volumes.end()), volumes.end());
  return volumes;
}

ChainState AnalyzeChain(const VolumeChainInputs& in,
                        const std::string& volume) {
  ChainState chain;
  if (in.source_snapshots == nullptr || in.target_snapshots == nullptr) {
    return chain;
  }
  const std::vector<Snapshot>* source = in.source_snapshots->Of(volume);
  const std::vector<Snapshot>* target = in.target_snapshots->Of(volume);
  chain.source_info =
      in.source_datasets ? in.source_datasets->Find(volume) : nullptr;
  chain.target_info =
      in.target_datasets ? in.target_datasets->Find(volume) : nullptr;
  chain.target_exists = target != nullptr || chain.target_info != nullptr;
  // A dataset without snapshots is missing from the snapshot list: only the
  // dataset list can tell that the target really lacks the volume.
  chain.known = chain.target_exists || in.target_datasets != nullptr;
  // A source volume whose snapshots were all deleted still exists.
  static const std::vector<Snapshot> kNoSnapshots;
  if (source == nullptr && chain.source_info != nullptr) source = &kNoSnapshots;
  chain.source_exists = source != nullptr;
  if (!chain.known || source == nullptr || !chain.target_exists) return chain;

  // Common snapshots by GUID. Only replication snapshots count: they are
  // the bases PVE picks for the next incremental.
  const GuidSet target_guids(target);
  const GuidSet source_guids(source);
  for (const Snapshot& snapshot : *source) {
    chain.newest_source = &snapshot;
    if (target_guids.Contains(snapshot.guid) &&
        IsReplicationSnapshot(snapshot.name)) {
      ++chain.common;
      chain.last_common = &snapshot;
      chain.source_ahead = 0;
    } else if (chain.last_common != nullptr &&
               !target_guids.Contains(snapshot.guid)) {
      ++chain.source_ahead;
    }
  }
  // Diverged: the target has snapshots the source never had after the last
  // common one, or was written to since its newest snapshot.
  chain.diverged = chain.target_info != nullptr &&
                   chain.target_info->written_bytes &&
                   *chain.target_info->written_bytes > 0;
  if (target != nullptr && chain.last_common != nullptr) {
    bool after_common = false;
    for (const Snapshot& snapshot : *target) {
      if (snapshot.guid == chain.last_common->guid) {
        after_common = true;
      } else if (after_common && !source_guids.Contains(snapshot.guid)) {
        chain.diverged = true;
      }
    }
  }
  if (in.last_sync > 0) {
    const std::string base =
        "__replicate_" + in.job_id + "_" + std::to_string(in.last_sync) + "__";
    chain.base_on_source = HasSnapshotNamed(source, base);
    chain.base_on_target = HasSnapshotNamed(target, base);
  }
  return chain;
}

void RenderVolumeChain(const VolumeChainInputs& in, const std::string& volume,
                       const LabelList& job_labels, MetricSet& out) {
  const ChainState chain = AnalyzeChain(in, volume);
  if (!chain.known) return;
  LabelList labels = job_labels;
  labels.emplace_back("volume", volume);
  out.Gauge("replwatch_volume_target_present",
            "1 if the volume exists on the job's target node.", labels,
            chain.target_exists ? 1 : 0);
  if (!chain.target_exists || !chain.source_exists) return;  // full sync due
  out.Gauge("replwatch_volume_common_snapshots",
            "Replication snapshots present on source and target with the same "
            "GUID; 0 means the next incremental has no base.",
            labels, static_cast<double>(chain.common));
  if (chain.last_common != nullptr &&
      chain.last_common->creation != Snapshot::kUnknownCreation) {
    out.Gauge("replwatch_volume_last_common_snapshot_timestamp_seconds",
              "Creation time of the newest snapshot both ends share.", labels,
              static_cast<double>(chain.last_common->creation));
  }
  out.Gauge("replwatch_volume_source_ahead_snapshots",
            "Source snapshots newer than the newest common one.", labels,
            static_cast<double>(chain.source_ahead));
  out.Gauge("replwatch_volume_target_diverged",
            "1 if the replica changed on its own since the last common "
            "snapshot (written to, or snapshots the source lacks).",
            labels, chain.diverged ? 1 : 0);
  for (const auto& [side, present] :
       {std::pair<const char*, std::optional<bool>>{"source",
                                                    chain.base_on_source},
        {"target", chain.base_on_target}}) {
    if (!present) continue;
    LabelList with_side = labels;
    with_side.emplace_back("side", side);
    out.Gauge("replwatch_volume_base_snapshot_present",
              "1 if the snapshot of the last sync, the base of the next "
              "incremental, exists on that side.",
              with_side, *present ? 1 : 0);
  }
  const DatasetInfo* source_info = chain.source_info;
  const DatasetInfo* target_info = chain.target_info;
  if (source_info != nullptr && target_info != nullptr) {
    out.Gauge("replwatch_volume_target_type_mismatch",
              "1 if the target dataset is not of the source's type "
              "(volume vs filesystem).",
              labels, source_info->type != target_info->type ? 1 : 0);
    if (source_info->volsize_bytes && target_info->volsize_bytes) {
      out.Gauge(
          "replwatch_volume_size_mismatch",
          "1 if source and target volumes differ in volsize.", labels,
          *source_info->volsize_bytes != *target_info->volsize_bytes ? 1 : 0);
    }
  }
}

}  // namespace replwatch

#include "analysis/volume_chain.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "collectors/parsers/zfs_snapshot_list_parser.h"

namespace replwatch {
namespace {

bool IsReplicationSnapshot(std::string_view name) {
  return parsers::ParseReplicationSnapshotName(name).has_value();
}

// Whether `base` (the snapshot of the job's last sync) is on one side, or
// nullopt when that side's listing and the job state come from different
// runs. PVE keeps one replication snapshot per job and end: a run adds the
// next one and deletes the old at its end. Facts of two nodes are collected
// at different moments, so a listing that holds another snapshot of this
// job (the one before, or one after the state's) was taken during or across
// a run the state does not describe: the base's absence there says nothing.
std::optional<bool> BasePresence(const std::vector<Snapshot>* snapshots,
                                 const std::string& job_prefix,
                                 const std::string& base) {
  if (snapshots == nullptr) return false;
  bool other_run = false;
  for (const Snapshot& snapshot : *snapshots) {
    if (snapshot.name == base) return true;
    other_run |= snapshot.name.substr(0, job_prefix.size()) == job_prefix;
  }
  if (other_run) return std::nullopt;
  return false;
}

// Unknown to a node (this process's start time and address layout), so its
// GUIDs cannot be chosen to collide; std::random_device could throw.
const std::uint64_t kGuidHashSeed =
    static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count()) ^
    reinterpret_cast<std::uintptr_t>(&IsReplicationSnapshot);

// The GUIDs of a snapshot list, for membership tests: open addressing in
// one flat array (std::unordered_set would allocate a node per snapshot,
// and sorting cost more than the whole rest of the alignment). GUIDs are
// random, so a multiplicative hash spreads them; the seed keeps a node from
// choosing GUIDs that all collide.
class GuidSet {
 public:
  explicit GuidSet(const std::vector<Snapshot>* list) {
    if (list == nullptr) return;
    while ((std::size_t{1} << bits_) < 2 * list->size()) ++bits_;
    slots_.assign(std::size_t{1} << bits_, kEmpty);
    for (const Snapshot& snapshot : *list) Insert(snapshot.guid);
  }
  bool Contains(std::uint64_t guid) const {
    if (guid == kEmpty) return has_empty_value_;
    if (slots_.empty()) return false;
    for (std::size_t i = Home(guid);; i = (i + 1) & Mask()) {
      if (slots_[i] == guid) return true;
      if (slots_[i] == kEmpty) return false;
    }
  }

 private:
  static constexpr std::uint64_t kEmpty = 0;

  void Insert(std::uint64_t guid) {
    if (guid == kEmpty) {
      has_empty_value_ = true;
      return;
    }
    std::size_t i = Home(guid);
    while (slots_[i] != kEmpty && slots_[i] != guid) i = (i + 1) & Mask();
    slots_[i] = guid;
  }
  std::size_t Home(std::uint64_t guid) const {
    return ((guid ^ kGuidHashSeed) * 0x9E3779B97F4A7C15) >> (64 - bits_);
  }
  std::size_t Mask() const { return slots_.size() - 1; }

  unsigned bits_ = 4;  // at least 16 slots, never more than half full
  std::vector<std::uint64_t> slots_;
  bool has_empty_value_ = false;  // a GUID of 0 cannot use a slot
};

}  // namespace

std::map<std::string, JobVolumeIndex> IndexJobVolumesOfAllNodes(
    const ClusterView& view) {
  std::map<std::string, JobVolumeIndex> index_of;
  for (const auto& node : view.nodes()) {
    index_of[node] = IndexJobVolumes(view.Find<SnapshotsFacts>(node));
  }
  return index_of;
}

const JobVolumeIndex& JobVolumesOfNode(
    const std::map<std::string, JobVolumeIndex>& index_of,
    const std::string& node) {
  static const JobVolumeIndex kNone;
  const auto it = index_of.find(node);
  return it == index_of.end() ? kNone : it->second;
}

VolumeChainInputs ChainInputsFor(const ClusterView& view,
                                 const std::string& source,
                                 const JobFacts& job) {
  const std::string& target = job.state.target;
  return {job.state.id,
          job.state.last_sync,
          view.Find<SnapshotsFacts>(source),
          view.Find<SnapshotsFacts>(target),
          view.Find<DatasetsFacts>(source),
          view.Find<DatasetsFacts>(target)};
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
    auto after_common = std::find_if(
        target->begin(), target->end(), [&](const Snapshot& snapshot) {
          return snapshot.guid == chain.last_common->guid;
        });
    // Usually nothing follows it: the source's GUIDs are needed only then.
    if (after_common != target->end() && ++after_common != target->end()) {
      const GuidSet source_guids(source);
      chain.diverged |= std::any_of(
          after_common, target->end(),
          [&](const Snapshot& s) { return !source_guids.Contains(s.guid); });
    }
  }
  if (in.last_sync > 0) {
    const std::string job_prefix = "__replicate_" + in.job_id + "_";
    const std::string base = job_prefix + std::to_string(in.last_sync) + "__";
    chain.base_on_source = BasePresence(source, job_prefix, base);
    chain.base_on_target = BasePresence(target, job_prefix, base);
    chain.listings_across_runs =
        !chain.base_on_source.has_value() || !chain.base_on_target.has_value();
  }
  return chain;
}

std::vector<ChainState> AnalyzeChains(const VolumeChainInputs& inputs,
                                      const std::vector<std::string>& volumes) {
  std::vector<ChainState> chains;
  chains.reserve(volumes.size());
  for (const auto& volume : volumes) {
    chains.push_back(AnalyzeChain(inputs, volume));
  }
  return chains;
}

void RenderVolumeChain(const ChainState& chain, const std::string& volume,
                       const LabelList& job_labels, MetricSet& out) {
  if (!chain.known) return;
  LabelList labels = job_labels;
  labels.emplace_back("volume", volume);
  out.Gauge("replwatch_volume_target_present",
            "1 if the volume exists on the job's target node.", labels,
            chain.target_exists ? 1 : 0);
  if (!chain.target_exists || !chain.source_exists) return;  // full sync due
  // Read on either side of a run, the ends meet in no snapshot this cycle:
  // left out, as an unknown base presence is, rather than a false 0.
  if (chain.NoCommonBase().has_value()) {
    out.Gauge("replwatch_volume_common_snapshots",
              "Replication snapshots present on source and target with the "
              "same GUID; 0 means the next incremental has no base.",
              labels, static_cast<double>(chain.common));
    out.Gauge("replwatch_volume_source_ahead_snapshots",
              "Source snapshots newer than the newest common one.", labels,
              static_cast<double>(chain.source_ahead));
  }
  if (chain.last_common != nullptr &&
      chain.last_common->creation != Snapshot::kUnknownCreation) {
    out.Gauge("replwatch_volume_last_common_snapshot_timestamp_seconds",
              "Creation time of the newest snapshot both ends share.", labels,
              static_cast<double>(chain.last_common->creation));
  }
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
  if (const auto mismatch = chain.TypeMismatch()) {
    out.Gauge("replwatch_volume_target_type_mismatch",
              "1 if the target dataset is not of the source's type "
              "(volume vs filesystem).",
              labels, *mismatch ? 1 : 0);
  }
  if (const auto mismatch = chain.SizeMismatch()) {
    out.Gauge("replwatch_volume_size_mismatch",
              "1 if source and target volumes differ in volsize.", labels,
              *mismatch ? 1 : 0);
  }
}

std::optional<bool> ChainState::NoCommonBase() const {
  if (common == 0 && listings_across_runs) return std::nullopt;
  return common == 0;
}

std::optional<bool> ChainState::TypeMismatch() const {
  if (source_info == nullptr || target_info == nullptr) return std::nullopt;
  return source_info->type != target_info->type;
}

std::optional<bool> ChainState::SizeMismatch() const {
  if (source_info == nullptr || target_info == nullptr ||
      !source_info->volsize_bytes || !target_info->volsize_bytes) {
    return std::nullopt;
  }
  return *source_info->volsize_bytes != *target_info->volsize_bytes;
}

}  // namespace replwatch

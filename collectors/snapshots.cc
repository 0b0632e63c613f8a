#include "collectors/snapshots.h"

#include <algorithm>

#include "collectors/checked_command.h"
#include "collectors/parsers/zfs_snapshot_list_parser.h"
#include "collectors/pve_volume_names.h"
#include "exposition/label_values.h"

namespace replwatch {

std::shared_ptr<SnapshotsFacts> SnapshotsFacts::FromZfsList(
    std::string_view text) {
  auto facts = std::make_shared<SnapshotsFacts>();
  // The allow-listed command prints 4 columns; 3 would lose `creation`.
  parsers::ZfsSnapshotListReader reader(text, 4);
  parsers::SnapshotLine line;
  // `zfs list` prints a dataset's snapshots together, so the map is looked
  // up once per dataset rather than once per line.
  std::vector<Snapshot>* current = nullptr;
  std::string_view current_dataset;  // in `text`
  while (reader.Next(&line)) {
    // The reader hands out the same view for a run of the same dataset.
    const bool same_dataset = current != nullptr &&
                              line.dataset.size() == current_dataset.size() &&
                              (line.dataset.data() == current_dataset.data() ||
                               line.dataset == current_dataset);
    if (!same_dataset) {
      auto it = facts->datasets_.find(line.dataset);
      if (it == facts->datasets_.end()) {
        it = facts->datasets_
                 .emplace(std::string(line.dataset), std::vector<Snapshot>())
                 .first;
        // Guests tend to keep the same number of snapshots: guessing the
        // last dataset's count saves most regrowing and shrinking copies.
        if (current != nullptr) it->second.reserve(current->size());
      }
      current = &it->second;
      current_dataset = line.dataset;
    }
    current->push_back({facts->names_.Intern(line.snapshot), line.guid,
                        line.createtxg,
                        line.creation.value_or(Snapshot::kUnknownCreation)});
    ++facts->snapshot_count_;
  }
  facts->Finish();
  return facts;
}

void SnapshotsFacts::Finish() {
  names_.StopInterning();
  std::size_t datasets_over_cap = 0;
  std::size_t jobs_over_cap = 0;
  for (auto& [dataset, snapshots] : datasets_) {
    snapshots.shrink_to_fit();
    const auto by_txg = [](const Snapshot& a, const Snapshot& b) {
      return a.createtxg < b.createtxg;
    };
    if (!std::is_sorted(snapshots.begin(), snapshots.end(), by_txg)) {
      std::stable_sort(snapshots.begin(), snapshots.end(), by_txg);
    }
    ReplicatedDataset replicated{&dataset, snapshots.size(), {}};
    for (const Snapshot& snapshot : snapshots) {
      const auto parsed = parsers::ParseReplicationSnapshotName(snapshot.name);
      if (!parsed) continue;
      auto& by_job = replicated.latest_by_job;
      auto it = by_job.find(parsed->job_id);
      if (it == by_job.end()) {
        if (by_job.size() == kMaxJobsPerDataset) {
          ++jobs_over_cap;
          continue;
        }
        it = by_job.emplace(parsed->job_id, parsed->timestamp).first;
      }
      it->second = std::max(it->second, parsed->timestamp);
    }
    if (replicated.latest_by_job.empty() && !IsPveVolumeDataset(dataset)) {
      continue;
    }
    if (!IsSafeLabelValue(dataset)) {
      warnings.Add(UnsafeLabelValueWarning("dataset", dataset));
      continue;
    }
    if (replicated_.size() == kMaxReplicatedDatasets) {
      ++datasets_over_cap;
      continue;
    }
    replicated_.push_back(std::move(replicated));
  }
  if (datasets_over_cap > 0) {
    LeaveOut("replicated_datasets", datasets_over_cap, kMaxReplicatedDatasets);
  }
  if (jobs_over_cap > 0) {
    LeaveOut("job_ids_per_dataset", jobs_over_cap, kMaxJobsPerDataset);
  }
}

const std::vector<Snapshot>* SnapshotsFacts::Of(
    std::string_view dataset) const {
  const auto it = datasets_.find(dataset);
  return it == datasets_.end() ? nullptr : &it->second;
}

const Snapshot* SnapshotsFacts::LatestReplicationSnapshot(
    std::string_view dataset, std::string_view job_id) const {
  const std::vector<Snapshot>* snapshots = Of(dataset);
  if (snapshots == nullptr) return nullptr;
  const Snapshot* latest = nullptr;
  std::int64_t latest_epoch = 0;
  for (const Snapshot& snapshot : *snapshots) {
    const auto parsed = parsers::ParseReplicationSnapshotName(snapshot.name);
    if (parsed && parsed->job_id == job_id &&
        (latest == nullptr || parsed->timestamp >= latest_epoch)) {
      latest = &snapshot;
      latest_epoch = parsed->timestamp;
    }
  }
  return latest;
}

void SnapshotsFacts::Render(const LabelList& node_labels,
                            MetricSet& out) const {
  for (const ReplicatedDataset& replicated : replicated_) {
    if (!IsSafeLabelValue(*replicated.dataset)) continue;
    LabelList labels = node_labels;
    labels.emplace_back("dataset", *replicated.dataset);
    out.Gauge("replwatch_dataset_snapshots",
              "Snapshots of a replicated dataset on this node.", labels,
              static_cast<double>(replicated.snapshots));
    for (const auto& [job_id, epoch] : replicated.latest_by_job) {
      LabelList job_labels = labels;
      job_labels.emplace_back("job_id", std::string(job_id));
      out.Gauge("replwatch_replication_snapshot_latest_timestamp_seconds",
                "Epoch in the name of the newest __replicate_<job>_<epoch>__ "
                "snapshot of the dataset.",
                job_labels, static_cast<double>(epoch));
    }
  }
}

std::shared_ptr<const Facts> SnapshotsCollector::Collect(
    Transport& transport, const CollectContext&) {
  return SnapshotsFacts::FromZfsList(
      RunExpectingSuccess(transport, "zfs-list-snapshots"));
}

}  // namespace replwatch

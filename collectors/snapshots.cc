#include "collectors/snapshots.h"

#include <algorithm>
#include <cmath>

#include "collectors/checked_command.h"
#include "collectors/parsers/date_parser.h"
#include "collectors/parsers/zfs_snapshot_list_parser.h"
#include "collectors/pve_volume_names.h"
#include "exposition/label_values.h"
#include "text/name_rules.h"
#include "text/text_scan.h"

namespace replwatch {

std::shared_ptr<SnapshotsFacts> SnapshotsFacts::FromZfsList(
    std::string_view text) {
  auto facts = std::make_shared<SnapshotsFacts>();
  facts->Add(text);
  facts->Finish();
  return facts;
}

std::shared_ptr<SnapshotsFacts> SnapshotsFacts::Update(
    const SnapshotsFacts& previous, const SnapshotChangeTimes& present,
    const std::vector<std::string>& relisted,
    const std::vector<std::string>& listings) {
  auto facts = std::make_shared<SnapshotsFacts>();
  for (const auto& [dataset, snapshots] : previous.datasets_) {
    if (present.count(dataset) == 0 ||
        std::binary_search(relisted.begin(), relisted.end(), dataset)) {
      continue;
    }
    // The names are stored again: the previous facts (and their arena) go
    // away once nobody renders them.
    std::vector<Snapshot>& kept = facts->datasets_[dataset];
    kept.reserve(snapshots.size());
    for (const Snapshot& snapshot : snapshots) {
      kept.push_back({facts->names_.Intern(snapshot.name), snapshot.guid,
                      snapshot.createtxg, snapshot.creation});
    }
    facts->snapshot_count_ += snapshots.size();
  }
  for (const std::string& listing : listings) facts->Add(listing);
  facts->Finish();
  return facts;
}

void SnapshotsFacts::Add(std::string_view text) {
  // The allow-listed commands print 4 columns; 3 would lose `creation`.
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
      auto it = datasets_.find(line.dataset);
      if (it == datasets_.end()) {
        it = datasets_
                 .emplace(std::string(line.dataset), std::vector<Snapshot>())
                 .first;
        // Guests tend to keep the same number of snapshots: guessing the
        // last dataset's count saves most regrowing and shrinking copies.
        if (current != nullptr) it->second.reserve(current->size());
      }
      current = &it->second;
      current_dataset = line.dataset;
    }
    current->push_back({names_.Intern(line.snapshot), line.guid, line.createtxg,
                        line.creation.value_or(Snapshot::kUnknownCreation)});
    ++snapshot_count_;
  }
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
  out.Gauge("replwatch_snapshot_listing_incremental",
            "1 if the last snapshot inventory listed only the datasets whose "
            "snapshots_changed moved; 0 for a full listing.",
            node_labels, listing.incremental ? 1 : 0);
  out.Gauge("replwatch_snapshot_listing_datasets_listed",
            "Datasets whose snapshots the last inventory listed.", node_labels,
            static_cast<double>(listing.datasets_listed));
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

namespace {

// `date +%s.%N` in whole seconds, or nullopt.
std::optional<std::int64_t> NodeClockSeconds(const CommandResult& date) {
  if (date.exit_status != 0) return std::nullopt;
  const auto seconds = parsers::ParseEpochSeconds(date.out);
  if (!seconds || *seconds <= 0) return std::nullopt;
  return static_cast<std::int64_t>(std::floor(*seconds));
}

std::string FailedCommand(CommandId id, const CommandResult& result) {
  std::string_view err = result.err;
  return std::string(CommandName(id)) + " exited with status " +
         std::to_string(result.exit_status) + " (" +
         text::Printable(text::SplitAt(&err, '\n'), 120) + ")";
}

}  // namespace

std::shared_ptr<const Facts> SnapshotsCollector::Collect(
    Transport& transport, const CollectContext& context) {
  std::shared_ptr<SnapshotsFacts> facts;
  if (context.node.incremental_snapshots) {
    facts = Incremental(transport, now_());
  } else {
    tracker_.Forget();
    facts = Full(transport);
  }
  previous_ = facts;
  return facts;
}

std::shared_ptr<SnapshotsFacts> SnapshotsCollector::Full(Transport& transport) {
  auto facts = SnapshotsFacts::FromZfsList(
      RunExpectingSuccess(transport, CommandId::kZfsListSnapshots));
  facts->listing = {false, facts->datasets().size()};
  return facts;
}

std::shared_ptr<SnapshotsFacts> SnapshotsCollector::Incremental(
    Transport& transport, double now) {
  if (now < next_property_read_) return Full(transport);
  const CommandResult date = transport.Run(MakeCommand(CommandId::kDate));
  const CommandResult read =
      transport.Run(MakeCommand(CommandId::kZfsListSnapshotsChanged));
  if (read.exit_status != 0 &&
      text::Contains(read.err, "invalid property 'snapshots_changed'")) {
    // OpenZFS before 2.2 (PVE 8.0): listed in full, as it always was.
    tracker_.Forget();
    next_property_read_ = now + kPropertyRetryInterval;
    return Full(transport);
  }
  std::string why_full;  // set when the incremental read cannot be trusted
  SnapshotChangeTimes times;
  const auto clock = NodeClockSeconds(date);
  if (read.exit_status != 0) {
    why_full = FailedCommand(CommandId::kZfsListSnapshotsChanged, read);
  } else if (!clock) {
    why_full = "the node's clock (date +%s.%N) could not be read";
  } else {
    try {
      times = ParseSnapshotChangeTimes(read.out);
    } catch (const text::ParseError& e) {
      why_full = std::string(CommandName(CommandId::kZfsListSnapshotsChanged)) +
                 ": " + e.what();
    }
  }
  for (const auto& [dataset, changed] : times) {
    if (!why_full.empty()) break;
    if (!text::IsValidZfsDatasetName(dataset)) {
      why_full = "zfs-list-snapshots-changed printed '" +
                 text::Printable(dataset, 80) + "', not a dataset name";
    }
  }
  const auto full_instead = [&](const std::string& why) {
    tracker_.Forget();
    auto facts = Full(transport);
    facts->warnings.Add(0, why + "; listed every snapshot instead");
    return facts;
  };
  if (!why_full.empty()) return full_instead(why_full);

  if (!previous_ || tracker_.empty() || now >= next_full_listing_) {
    auto facts = Full(transport);
    tracker_.Forget();
    tracker_.Listed(times, *clock, nullptr);
    next_full_listing_ = now + kFullListingInterval;
    return facts;
  }
  const std::vector<std::string> relist = tracker_.ToRelist(times);
  std::vector<std::string> listings;
  for (std::size_t begin = 0; begin < relist.size();
       begin += kMaxDatasetsPerCommand) {
    const std::size_t end =
        std::min(relist.size(), begin + kMaxDatasetsPerCommand);
    CommandResult listed = transport.Run(
        MakeCommand(CommandId::kZfsListSnapshotsOf,
                    std::vector<std::string>(relist.begin() + begin,
                                             relist.begin() + end)));
    // A dataset destroyed since the reading exits 1 ("dataset does not
    // exist") after listing the others; a full listing is simpler than
    // telling that apart from a real failure.
    if (listed.exit_status != 0) {
      auto facts =
          full_instead(FailedCommand(CommandId::kZfsListSnapshotsOf, listed));
      tracker_.Listed(times, *clock, nullptr);  // read before that listing
      return facts;
    }
    listings.push_back(std::move(listed.out));
  }
  auto facts = SnapshotsFacts::Update(*previous_, times, relist, listings);
  facts->listing = {true, relist.size()};
  tracker_.Listed(times, *clock, &relist);
  return facts;
}

}  // namespace replwatch

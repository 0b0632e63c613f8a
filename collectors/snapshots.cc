#include "collectors/snapshots.h"

#include <algorithm>

#include "collectors/checked_command.h"
#include "collectors/label_values.h"
#include "collectors/parsers/parse_error.h"
#include "collectors/parsers/zfs_snapshot_list_parser.h"
#include "collectors/pve_volume_names.h"

namespace replwatch {
namespace {

using parsers::ParseError;

// The listing is parsed in slices so the parser's per-line strings never
// exist for all snapshots at once.
constexpr std::size_t kLinesPerSlice = 4096;

std::string_view NextSlice(std::string_view* rest, std::size_t* lines) {
  std::size_t end = 0;
  *lines = 0;
  while (*lines < kLinesPerSlice && end < rest->size()) {
    const std::size_t nl = rest->find('\n', end);
    end = nl == std::string_view::npos ? rest->size() : nl + 1;
    ++*lines;
  }
  const std::string_view slice = rest->substr(0, end);
  rest->remove_prefix(end);
  return slice;
}

// The parser also accepts 3 columns; the allow-listed command prints 4, and
// the parser checks that every line of a slice has as many as its first.
void RequireFourColumns(std::string_view slice) {
  std::size_t line = 1;
  while (!slice.empty() && slice.front() == '\n') {
    slice.remove_prefix(1);
    ++line;
  }
  const std::string_view first = slice.substr(0, slice.find('\n'));
  if (!first.empty() && std::count(first.begin(), first.end(), '\t') != 3) {
    throw ParseError("expected name, guid, createtxg, creation", line);
  }
}

std::vector<parsers::SnapshotEntry> ParseSlice(std::string_view slice,
                                               std::size_t lines_before) {
  try {
    RequireFourColumns(slice);
    return parsers::ParseZfsSnapshotList(slice);
  } catch (const ParseError& e) {
    if (!e.line()) throw;
    std::string message = e.what();
    const std::string prefix = "line " + std::to_string(*e.line()) + ": ";
    if (message.compare(0, prefix.size(), prefix) == 0) {
      message.erase(0, prefix.size());
    }
    throw ParseError(message, lines_before + *e.line());
  }
}

}  // namespace

std::shared_ptr<SnapshotsFacts> SnapshotsFacts::FromZfsList(
    std::string_view text) {
  auto facts = std::make_shared<SnapshotsFacts>();
  std::size_t lines_before = 0, lines = 0;
  while (!text.empty()) {
    const std::string_view slice = NextSlice(&text, &lines);
    for (const parsers::SnapshotEntry& entry :
         ParseSlice(slice, lines_before)) {
      facts->Add(entry.dataset(),
                 {facts->names_.Intern(entry.snapshot()), entry.guid,
                  entry.createtxg, entry.creation});
    }
    lines_before += lines;
  }
  facts->Finish();
  return facts;
}

void SnapshotsFacts::Add(std::string_view dataset, Snapshot snapshot) {
  auto it = datasets_.find(dataset);
  if (it == datasets_.end()) {
    it = datasets_.emplace(std::string(dataset), std::vector<Snapshot>()).first;
  }
  it->second.push_back(snapshot);
  ++snapshot_count_;
}

void SnapshotsFacts::Finish() {
  names_.StopInterning();
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
      std::int64_t& latest = replicated.latest_by_job[parsed->job_id];
      latest = std::max(latest, parsed->timestamp);
    }
    if (!replicated.latest_by_job.empty() || IsPveVolumeDataset(dataset)) {
      replicated_.push_back(std::move(replicated));
    }
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

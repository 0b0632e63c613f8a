#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/collector.h"
#include "collectors/name_arena.h"

namespace replwatch {

/// One snapshot. `name` is the part after '@'; it points into the
/// SnapshotsFacts that holds it and is valid as long as those facts live.
struct Snapshot {
  /// `creation` when the listing had none ("-"). A sentinel rather than an
  /// optional: 8 bytes less on each of a million snapshots.
  static constexpr std::int64_t kUnknownCreation =
      std::numeric_limits<std::int64_t>::min();

  std::string_view name;
  std::uint64_t guid = 0;
  std::uint64_t createtxg = 0;
  std::int64_t creation = kUnknownCreation;  // epoch seconds
};

/// Every snapshot of one node, by dataset, oldest first. Kept lean for
/// nodes with a million snapshots: each dataset name is stored once and
/// equal snapshot names share their bytes.
class SnapshotsFacts : public Facts {
 public:
  using ByDataset = std::map<std::string, std::vector<Snapshot>, std::less<>>;

  /// Parses `zfs list -Hp -t snapshot -o name,guid,createtxg,creation`.
  /// Throws ParseError (with the line number) on any malformed line: a
  /// partial inventory would make chain checks lie.
  static std::shared_ptr<SnapshotsFacts> FromZfsList(std::string_view text);

  /// Snapshots of `dataset` sorted by createtxg, or null if it has none.
  const std::vector<Snapshot>* Of(std::string_view dataset) const;
  /// The newest (by the epoch in its name) `__replicate_<job_id>_<epoch>__`
  /// snapshot of `dataset`, or null.
  const Snapshot* LatestReplicationSnapshot(std::string_view dataset,
                                            std::string_view job_id) const;
  const ByDataset& datasets() const { return datasets_; }
  std::size_t snapshot_count() const { return snapshot_count_; }

  /// A dataset with replication snapshots or a PVE guest volume name.
  /// Caps on the series (not on the inventory, which the chain checks need).
  static constexpr std::size_t kMaxReplicatedDatasets = 10000;
  static constexpr std::size_t kMaxJobsPerDataset = 16;

  struct ReplicatedDataset {
    const std::string* dataset;  // a key of datasets()
    std::size_t snapshots = 0;
    /// job id -> epoch of its newest replication snapshot
    std::map<std::string_view, std::int64_t> latest_by_job;
  };
  /// The replicated datasets, in datasets() order.
  const std::vector<ReplicatedDataset>& replicated() const {
    return replicated_;
  }

  void Render(const LabelList& node_labels, MetricSet& out) const override;

 private:
  void Finish();

  NameArena names_;
  ByDataset datasets_;
  std::size_t snapshot_count_ = 0;
  std::vector<ReplicatedDataset> replicated_;  // what Render shows
};

/// The snapshot inventory: one `zfs list -t snapshot` per node and cycle.
/// Per-dataset series only for replicated datasets (with a replication
/// snapshot, or a PVE guest volume name).
class SnapshotsCollector : public Collector {
 public:
  std::string_view name() const override { return "snapshots"; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

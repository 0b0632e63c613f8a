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
#include "collectors/snapshot_changes.h"

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
  /// The collector these facts come from (ClusterView::Find<SnapshotsFacts>).
  static constexpr std::string_view kCollector = "snapshots";

  using ByDataset = std::map<std::string, std::vector<Snapshot>, std::less<>>;

  /// Parses `zfs list -Hp -t snapshot -o name,guid,createtxg,creation`.
  /// Throws ParseError (with the line number) on any malformed line: a
  /// partial inventory would make chain checks lie.
  static std::shared_ptr<SnapshotsFacts> FromZfsList(std::string_view text);

  /// The inventory after an incremental listing: `previous` for the datasets
  /// of `present` that are not in `relisted` (sorted), and `listings`
  /// (outputs of `zfs list ... -d 1 <relisted>`) for those that are.
  /// Datasets missing from `present` are gone. Throws as FromZfsList.
  static std::shared_ptr<SnapshotsFacts> Update(
      const SnapshotsFacts& previous, const SnapshotChangeTimes& present,
      const std::vector<std::string>& relisted,
      const std::vector<std::string>& listings);

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

  /// How this inventory was read: only the datasets whose snapshots
  /// changed, or a full listing; and how many datasets' snapshots it listed.
  struct Listing {
    bool incremental = false;
    std::size_t datasets_listed = 0;
  };
  Listing listing;

  void Render(const LabelList& node_labels, MetricSet& out) const override;

 private:
  void Add(std::string_view zfs_list_output);
  void Finish();

  NameArena names_;
  ByDataset datasets_;
  std::size_t snapshot_count_ = 0;
  std::vector<ReplicatedDataset> replicated_;  // what Render shows
};

/// The snapshot inventory. Per-dataset series only for replicated datasets
/// (with a replication snapshot, or a PVE guest volume name).
///
/// With `global.incremental_snapshots` (the default) on a node whose
/// OpenZFS has `snapshots_changed` (>= 2.2), a cycle reads every dataset's
/// `snapshots_changed` and lists the snapshots of those whose value moved
/// (SnapshotChangeTracker); the rest comes from the last cycle. A full
/// listing runs first, every kFullListingInterval as a safety net, and
/// whenever the incremental read fails. Otherwise one `zfs list -t snapshot`
/// per cycle.
class SnapshotsCollector : public Collector {
 public:
  static constexpr double kFullListingInterval = 6 * 3600;
  /// How long a node without `snapshots_changed` is listed in full before
  /// the property is asked for again (it may have been upgraded).
  static constexpr double kPropertyRetryInterval = 3600;

  explicit SnapshotsCollector(Clock now) : now_(std::move(now)) {}
  std::string_view name() const override { return SnapshotsFacts::kCollector; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;

 private:
  std::shared_ptr<SnapshotsFacts> Incremental(Transport& transport, double now);
  std::shared_ptr<SnapshotsFacts> Full(Transport& transport);

  Clock now_;
  SnapshotChangeTracker tracker_;
  std::shared_ptr<const SnapshotsFacts> previous_;
  double next_full_listing_ = 0;
  double next_property_read_ = 0;
};

}  // namespace replwatch

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/parsers/zfs_get_parser.h"
#include "collectors/parsers/zpool_get_parser.h"
#include "collectors/parsers/zpool_list_parser.h"
#include "collectors/parsers/zpool_status.h"

namespace replwatch {

/// One vdev row of `zpool status -p` (the pool root, interior vdevs such as
/// mirror-0, leaves, spares): its state and READ/WRITE/CKSUM counters.
struct VdevRow {
  /// The `vdev` label: the name ZFS prints. A device ZFS knows only by GUID
  /// keeps its "was <path>" text ("123... (was /dev/sdb1)"), and a name that
  /// an earlier row of the pool already has gets " (2)", " (3)"..., so that
  /// every row keeps its own series.
  std::string label;
  int depth = 0;      // 0 = pool root, as parsers::Vdev
  std::string state;  // ONLINE DEGRADED FAULTED UNAVAIL REMOVED AVAIL ...
  bool has_counters = false;  // spares have none
  std::uint64_t read = 0;
  std::uint64_t write = 0;
  std::uint64_t checksum = 0;
};

/// The scan `zpool status` reports for a pool: the running one if any, else
/// the first one printed. When a scrub line and a sequential-resilver line
/// both appear, only that one is kept (the parser's choice). Error scrubs
/// (`zpool scrub -e`) count as neither scrub nor resilver.
struct PoolScan {
  parsers::ScanKind kind = parsers::ScanKind::kNone;
  parsers::ScanState state = parsers::ScanState::kNone;
  std::optional<double> progress_ratio;  // unfinished scans, clamped to 1
  /// End of a finished or canceled scan, epoch seconds. Text `zpool status`
  /// prints the node's local time without a zone and none of the allowed
  /// commands tells the zone, so it is read as UTC: on a node in another
  /// zone the value is off by that zone's UTC offset.
  std::optional<std::int64_t> end_time;
  /// Start of a running scan, epoch seconds; text read as UTC, as end_time.
  std::optional<std::int64_t> start_time;
  /// How long a finished scan took.
  std::optional<std::int64_t> duration_seconds;

  /// How long a scrub of the pool takes, by its last one: a finished
  /// scrub's duration, or a running one's elapsed time over its progress
  /// at `now`. nullopt without a scrub to go by.
  std::optional<double> ScrubSecondsAt(double now) const;
};

/// The fill ratios ReplwatchTargetPoolFilling and ReplwatchTargetPoolFull
/// page above. The alert rules write the same numbers in PromQL; a test
/// reads them there (pools_test.cc).
inline constexpr double kPoolFillingRatio = 0.80;
inline constexpr double kPoolFullRatio = 0.90;

/// How full a pool is against those thresholds.
enum class PoolFill { kUnknown, kOk, kFilling, kFull };

/// One pool as `zpool list`, `zpool status` and `zpool get` show it.
struct PoolInfo {
  std::string name;
  std::string health;  // ONLINE DEGRADED FAULTED SUSPENDED ... as printed
  std::optional<std::uint64_t> size_bytes;
  std::optional<std::uint64_t> allocated_bytes;
  std::optional<std::uint64_t> free_bytes;
  std::optional<double> capacity_ratio;
  std::optional<double> fragmentation_ratio;
  /// Allocated/size of the special allocation class. Only OpenZFS releases
  /// after 2.4 report it (`class_special_*` pool properties); older ones have
  /// no source for it among these commands, so it stays absent.
  std::optional<double> special_capacity_ratio;
  /// The first kMaxVdevsPerPool rows, unique by label.
  std::vector<VdevRow> vdevs;
  /// nullopt when zpool status does not say (e.g. "List of errors
  /// unavailable").
  std::optional<std::uint64_t> data_errors;
  PoolScan scan;
  std::map<std::string, parsers::FeatureState> features;  // by feature name

  /// Why the pool is unhealthy, as ReplwatchPoolDegraded's `reason` labels
  /// name it: "state_<health>" unless ONLINE, "data_errors", and
  /// "vdev_<state>" for a FAULTED, UNAVAIL or REMOVED vdev (even in an
  /// ONLINE pool). Empty when healthy.
  std::vector<std::string> Problems() const;
  bool Healthy() const { return Problems().empty(); }
  /// capacity_ratio against kPoolFillingRatio and kPoolFullRatio.
  PoolFill Fill() const;
};

/// The pools of one node.
class PoolsFacts : public Facts {
 public:
  /// The collector these facts come from (ClusterView::Find<PoolsFacts>).
  static constexpr std::string_view kCollector = "pools";

  static constexpr std::size_t kMaxPools = 256;
  static constexpr std::size_t kMaxVdevsPerPool = 256;

  std::vector<PoolInfo> pools;  // sorted by name

  const PoolInfo* Find(const std::string& pool) const;
  void Render(const LabelList& node_labels, MetricSet& out) const override;
};

/// Joins the three parsed outputs (pure; exposed for tests on real-world
/// samples). Pools are those of `zpool list` and `zpool status`.
std::shared_ptr<PoolsFacts> BuildPoolsFacts(
    const parsers::ZpoolList& list, const parsers::ZpoolStatus& status,
    const parsers::PropertyTable& pool_properties);

/// Pool health, space, vdev error counters, scans and features: three
/// commands per node and cycle (zpool list, zpool status, zpool get all).
/// `zpool status -j --json-int` on OpenZFS 2.3+ (global.zfs_json), else
/// text `zpool status -p`: the same facts either way.
class PoolsCollector : public Collector {
 public:
  std::string_view name() const override { return PoolsFacts::kCollector; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

// PoolsFacts::Render: the replwatch_pool_* series of one node.
#include <array>
#include <string_view>

#include "collectors/pools.h"
#include "exposition/label_values.h"

namespace replwatch {
namespace {

using parsers::ScanKind;
using parsers::ScanState;

void RenderHealth(const PoolInfo& pool, const LabelList& labels,
                  MetricSet& out) {
  static constexpr std::array<std::string_view, 7> kStates = {
      "ONLINE",  "DEGRADED", "FAULTED",  "OFFLINE",
      "REMOVED", "UNAVAIL",  "SUSPENDED"};
  static constexpr std::string_view kHelp =
      "Pool health as zpool reports it: 1 for the current state.";
  bool known = false;
  for (const std::string_view state : kStates) {
    known = known || pool.health == state;
    out.Gauge("replwatch_pool_health", kHelp,
              With(labels, "state", std::string(state)),
              pool.health == state ? 1 : 0);
  }
  if (!known && !pool.health.empty()) {
    out.Gauge("replwatch_pool_health", kHelp,
              With(labels, "state",
                   IsSafeLabelValue(pool.health) ? pool.health : "UNKNOWN"),
              1);
  }
}

void RenderSpace(const PoolInfo& pool, const LabelList& labels,
                 MetricSet& out) {
  if (pool.size_bytes) {
    out.Gauge("replwatch_pool_size_bytes", "Pool size (zpool list).", labels,
              *pool.size_bytes);
  }
  if (pool.allocated_bytes) {
    out.Gauge("replwatch_pool_allocated_bytes",
              "Pool space allocated (zpool list).", labels,
              *pool.allocated_bytes);
  }
  if (pool.free_bytes) {
    out.Gauge("replwatch_pool_free_bytes", "Pool space free (zpool list).",
              labels, *pool.free_bytes);
  }
  if (pool.capacity_ratio) {
    out.Gauge("replwatch_pool_capacity_ratio",
              "Pool capacity used, 0..1 (zpool list CAP).", labels,
              *pool.capacity_ratio);
  }
  if (pool.fragmentation_ratio) {
    out.Gauge("replwatch_pool_fragmentation_ratio",
              "Free space fragmentation, 0..1 (zpool list FRAG).", labels,
              *pool.fragmentation_ratio);
  }
  if (pool.special_capacity_ratio) {
    out.Gauge("replwatch_pool_special_capacity_ratio",
              "Special allocation class capacity used, 0..1.", labels,
              *pool.special_capacity_ratio);
  }
}

void RenderErrors(const PoolInfo& pool, const LabelList& labels,
                  MetricSet& out) {
  static constexpr std::string_view kHelp =
      "READ/WRITE/CKSUM error count of a vdev (zpool status -p); reset by "
      "zpool clear.";
  for (const VdevRow& vdev : pool.vdevs) {
    if (!vdev.has_counters) continue;
    const LabelList vdev_labels = With(labels, "vdev", vdev.label);
    out.Gauge("replwatch_pool_vdev_errors", kHelp,
              With(vdev_labels, "type", "read"), vdev.read);
    out.Gauge("replwatch_pool_vdev_errors", kHelp,
              With(vdev_labels, "type", "write"), vdev.write);
    out.Gauge("replwatch_pool_vdev_errors", kHelp,
              With(vdev_labels, "type", "checksum"), vdev.checksum);
  }
  if (pool.data_errors) {
    out.Gauge("replwatch_pool_data_errors",
              "Known permanent data errors (zpool status errors: line).",
              labels, *pool.data_errors);
  }
}

// One series per vdev below the pool root, for its current state: a
// stateset of every state for up to 256 vdevs per pool would multiply the
// series by ten for the one that matters.
void RenderVdevStates(const PoolInfo& pool, const LabelList& labels,
                      MetricSet& out) {
  for (const VdevRow& vdev : pool.vdevs) {
    if (vdev.depth == 0 || vdev.state.empty()) continue;
    LabelList vdev_labels = With(labels, "vdev", vdev.label);
    vdev_labels.emplace_back(
        "state", IsSafeLabelValue(vdev.state) ? vdev.state : "UNKNOWN");
    out.Gauge("replwatch_pool_vdev_state",
              "1, labelled with the vdev's state as zpool status prints it "
              "(ONLINE, DEGRADED, FAULTED, UNAVAIL, REMOVED, OFFLINE, AVAIL, "
              "INUSE...); one series per vdev below the pool root.",
              vdev_labels, 1);
  }
}

void RenderScan(const PoolScan& scan, const LabelList& labels, MetricSet& out) {
  static constexpr std::array<std::pair<ScanKind, const char*>, 2> kKinds = {
      {{ScanKind::kScrub, "scrub"}, {ScanKind::kResilver, "resilver"}}};
  for (const auto& [kind, kind_name] : kKinds) {
    const LabelList kind_labels = With(labels, "kind", kind_name);
    const bool this_kind = scan.kind == kind;
    out.Gauge("replwatch_pool_scan_active",
              "1 while a scrub or resilver runs (not paused) on the pool.",
              kind_labels,
              this_kind && scan.state == ScanState::kInProgress ? 1 : 0);
    if (this_kind && scan.progress_ratio) {
      out.Gauge("replwatch_pool_scan_progress_ratio",
                "Progress of an unfinished (running or paused) scan, 0..1.",
                kind_labels, *scan.progress_ratio);
    }
    if (this_kind && scan.state == ScanState::kFinished && scan.end_time) {
      out.Gauge("replwatch_pool_last_scan_end_timestamp_seconds",
                "End of the last finished scan of this kind (node local time "
                "read as UTC).",
                kind_labels, static_cast<double>(*scan.end_time));
    }
  }
}

void RenderFeatures(const PoolInfo& pool, const LabelList& labels,
                    MetricSet& out) {
  for (const auto& [feature, state] : pool.features) {
    if (state == parsers::FeatureState::kOther || !IsSafeLabelValue(feature))
      continue;
    out.Gauge("replwatch_pool_feature_enabled",
              "1 if the pool feature is enabled or active, 0 if disabled.",
              With(labels, "feature", feature),
              state == parsers::FeatureState::kDisabled ? 0 : 1);
  }
}

}  // namespace

void PoolsFacts::Render(const LabelList& node_labels, MetricSet& out) const {
  for (const PoolInfo& pool : pools) {
    if (!IsSafeLabelValue(pool.name)) continue;
    const LabelList labels = With(node_labels, "pool", pool.name);
    RenderHealth(pool, labels, out);
    RenderSpace(pool, labels, out);
    RenderErrors(pool, labels, out);
    RenderVdevStates(pool, labels, out);
    RenderScan(pool.scan, labels, out);
    RenderFeatures(pool, labels, out);
  }
}

}  // namespace replwatch

#include "collectors/pools.h"

#include <algorithm>
#include <set>

#include "collectors/checked_command.h"
#include "collectors/node.h"
#include "exposition/label_values.h"

namespace replwatch {
namespace {

using parsers::ScanState;

PoolScan ScanOf(const parsers::ScanStatus& reported) {
  PoolScan scan;
  scan.kind = reported.kind;
  scan.state = reported.state;
  const bool unfinished = reported.state == ScanState::kInProgress ||
                          reported.state == ScanState::kPaused;
  // zpool prints ">100%" for scans that found more than they estimated.
  if (unfinished && reported.progress_ratio) {
    scan.progress_ratio = std::clamp(*reported.progress_ratio, 0.0, 1.0);
  }
  if (reported.end_time_epoch) {
    scan.end_time = reported.end_time_epoch;
  } else if (reported.end_time_local) {
    scan.end_time = parsers::LocalToEpoch(*reported.end_time_local, 0);
  }
  if (reported.start_time_epoch) {
    scan.start_time = reported.start_time_epoch;
  } else if (reported.start_time_local) {
    scan.start_time = parsers::LocalToEpoch(*reported.start_time_local, 0);
  }
  scan.duration_seconds = reported.duration_seconds;
  return scan;
}

// ZFS prints a missing device as its GUID followed by "was <path>"; the
// label keeps the path, which is what an operator recognizes.
std::string VdevLabel(const parsers::Vdev& row) {
  if (row.annotation.rfind("was ", 0) == 0) {
    return row.name + " (" + row.annotation + ")";
  }
  return row.name;
}

std::vector<VdevRow> VdevRows(const std::vector<parsers::Vdev>& rows,
                              Facts* facts) {
  std::vector<VdevRow> vdevs;
  std::map<std::string, int> seen;  // rows so far per printed label
  std::size_t over_cap = 0;
  for (const parsers::Vdev& row : rows) {
    if (!IsSafeLabelValue(row.name)) {
      facts->warnings.Add(UnsafeLabelValueWarning("vdev", row.name));
      continue;
    }
    if (vdevs.size() == PoolsFacts::kMaxVdevsPerPool) {
      ++over_cap;
      continue;
    }
    std::string label = VdevLabel(row);
    // Redacted outputs and replaced disks can print one name twice.
    const int occurrence = ++seen[label];
    if (occurrence > 1) label += " (" + std::to_string(occurrence) + ")";
    vdevs.push_back({std::move(label), row.depth, row.state, row.has_counters,
                     row.read_errors, row.write_errors, row.checksum_errors});
  }
  if (over_cap > 0) {
    facts->LeaveOut("vdevs", over_cap, PoolsFacts::kMaxVdevsPerPool);
  }
  return vdevs;
}

std::optional<std::uint64_t> NumberOf(
    const std::map<std::string, parsers::PropertyValue>& properties,
    const std::string& property) {
  const auto it = properties.find(property);
  if (it == properties.end()) return std::nullopt;
  return it->second.number;
}

// class_special_* pool properties exist only after OpenZFS 2.4; a pool
// without a special vdev reports size 0.
std::optional<double> SpecialCapacity(
    const std::map<std::string, parsers::PropertyValue>& properties) {
  const auto size = NumberOf(properties, "class_special_size");
  if (!size || *size == 0) return std::nullopt;
  if (const auto allocated = NumberOf(properties, "class_special_allocated")) {
    return std::min(1.0, static_cast<double>(*allocated) / *size);
  }
  if (const auto percent = NumberOf(properties, "class_special_capacity")) {
    return std::min(1.0, *percent / 100.0);
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> PoolScan::ScrubSecondsAt(double now) const {
  if (kind != parsers::ScanKind::kScrub) return std::nullopt;
  if (state == ScanState::kFinished && duration_seconds) {
    return static_cast<double>(*duration_seconds);
  }
  // Below 1% done the projection is mostly noise.
  if (state == ScanState::kInProgress && start_time && progress_ratio &&
      *progress_ratio >= 0.01 && now > static_cast<double>(*start_time)) {
    return (now - static_cast<double>(*start_time)) / *progress_ratio;
  }
  return std::nullopt;
}

const PoolInfo* PoolsFacts::Find(const std::string& pool) const {
  for (const PoolInfo& info : pools) {
    if (info.name == pool) return &info;
  }
  return nullptr;
}

PoolFill PoolInfo::Fill() const {
  if (!capacity_ratio) return PoolFill::kUnknown;
  if (*capacity_ratio > kPoolFullRatio) return PoolFill::kFull;
  if (*capacity_ratio > kPoolFillingRatio) return PoolFill::kFilling;
  return PoolFill::kOk;
}

std::vector<std::string> PoolInfo::Problems() const {
  std::vector<std::string> problems;
  if (health != "ONLINE") problems.push_back("state_" + health);
  if (data_errors.value_or(0) > 0) problems.push_back("data_errors");
  for (const VdevRow& vdev : vdevs) {
    if (vdev.state == "FAULTED" || vdev.state == "UNAVAIL" ||
        vdev.state == "REMOVED") {
      problems.push_back("vdev_" + vdev.state);
    }
  }
  return problems;
}

std::shared_ptr<PoolsFacts> BuildPoolsFacts(
    const parsers::ZpoolList& list, const parsers::ZpoolStatus& status,
    const parsers::PropertyTable& pool_properties) {
  auto facts = std::make_shared<PoolsFacts>();
  std::map<std::string, PoolInfo> by_name;
  for (const parsers::PoolListEntry& entry : list.pools) {
    if (entry.name.empty()) continue;
    PoolInfo& pool = by_name[entry.name];
    pool.name = entry.name;
    pool.health = entry.health;
    pool.size_bytes = entry.size_bytes;
    pool.allocated_bytes = entry.allocated_bytes;
    pool.free_bytes = entry.free_bytes;
    pool.capacity_ratio = entry.capacity_ratio;
    pool.fragmentation_ratio = entry.fragmentation_ratio;
  }
  for (const parsers::PoolStatus& reported : status.pools) {
    if (reported.name.empty()) continue;
    PoolInfo& pool = by_name[reported.name];
    pool.name = reported.name;
    if (pool.health.empty()) pool.health = reported.state;
    pool.vdevs = VdevRows(reported.vdevs, facts.get());
    pool.data_errors = reported.data_errors;
    pool.scan = ScanOf(reported.scan);
  }
  facts->warnings.AddAll("zpool list: ", list.warnings);
  facts->warnings.AddAll("zpool status: ", status.warnings);
  std::size_t pools_over_cap = 0;
  for (auto& [name, pool] : by_name) {
    if (!IsSafeLabelValue(name)) {
      facts->warnings.Add(UnsafeLabelValueWarning("pool", name));
      continue;
    }
    if (facts->pools.size() == PoolsFacts::kMaxPools) {
      ++pools_over_cap;
      continue;
    }
    const auto properties = pool_properties.find(name);
    if (properties != pool_properties.end()) {
      pool.features = parsers::FeatureStates(properties->second);
      pool.special_capacity_ratio = SpecialCapacity(properties->second);
    }
    facts->pools.push_back(std::move(pool));
  }
  if (pools_over_cap > 0) {
    facts->LeaveOut("pools", pools_over_cap, PoolsFacts::kMaxPools);
  }
  return facts;
}

namespace {

// From the node collector's `zfs version`, which runs first each cycle.
bool ReadsZpoolStatusJson(const CollectContext& context) {
  if (!context.node.zfs_json) return false;
  const auto latest = context.Latest<NodeFacts>();
  const NodeFacts* node = latest.get();
  if (node == nullptr || !node->zfs || !node->zfs->userland_release) {
    return false;
  }
  const parsers::ReleaseNumber& release = *node->zfs->userland_release;
  return release.major > 2 || (release.major == 2 && release.minor >= 3);
}

}  // namespace

std::shared_ptr<const Facts> PoolsCollector::Collect(
    Transport& transport, const CollectContext& context) {
  const parsers::ZpoolList list = parsers::ParseZpoolList(
      RunExpectingSuccess(transport, CommandId::kZpoolList));
  // OpenZFS 2.3+ prints JSON: no column alignment to guess, names as they
  // are, and scan times as epochs instead of the node's local time.
  const parsers::ZpoolStatus status =
      ReadsZpoolStatusJson(context)
          ? parsers::ParseZpoolStatusJson(
                RunExpectingSuccess(transport, CommandId::kZpoolStatusJson))
          : parsers::ParseZpoolStatus(
                RunExpectingSuccess(transport, CommandId::kZpoolStatus));
  const parsers::PropertyListing properties = parsers::ParseZpoolGet(
      RunExpectingSuccess(transport, CommandId::kZpoolGetAll));
  auto facts = BuildPoolsFacts(list, status, properties.properties);
  facts->warnings.AddAll("zpool get: ", properties.warnings);
  return facts;
}

}  // namespace replwatch

#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "collectors/parsers/pveversion_parser.h"
#include "collectors/parsers/zfs_version_parser.h"

namespace replwatch {

/// What the node collector found: the clock offset and the versions.
class NodeFacts : public Facts {
 public:
  /// The collector these facts come from (ClusterView::Find<NodeFacts>).
  static constexpr std::string_view kCollector = "node";

  double clock_offset_seconds = 0;
  std::optional<parsers::ZfsVersion> zfs;
  std::optional<parsers::PveVersion> pve;
  /// Versions of the packages that replicate (kReplicationPackages) from
  /// `pveversion -v`; empty when not read.
  parsers::PvePackages packages;

  /// 8 or 9 from pve-manager's version; nullopt when unknown.
  std::optional<int> PveMajor() const;
  /// libpve-storage-perl's version (it holds `zfs send`/`zfs recv`).
  std::optional<std::string> StorageVersion() const;
  void Render(const LabelList& node_labels, MetricSet& out) const override;
};

/// The packages whose versions replwatch keeps: those that take part in
/// replication, migration and HA recovery.
extern const char* const kReplicationPackages[8];

/// Node facts: clock offset against the daemon (corrected for the round
/// trip), ZFS userland/kernel versions, the PVE version and its packages.
class NodeCollector : public Collector {
 public:
  /// A package list older than this is read again.
  static constexpr double kPackagesMaxAgeSeconds = 3600;

  NodeCollector();
  explicit NodeCollector(Clock now) : now_(std::move(now)) {}

  std::string_view name() const override { return NodeFacts::kCollector; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;

 private:
  void ReadPackages(Transport& transport, const std::string& pveversion,
                    NodeFacts& facts);

  Clock now_;
  std::string packages_pveversion_;  // `pveversion` when they were read
  double packages_read_at_ = 0;
  parsers::PvePackages packages_;
};

}  // namespace replwatch

#pragma once

#include <optional>

#include "collectors/collector.h"
#include "collectors/parsers/pveversion_parser.h"
#include "collectors/parsers/zfs_version_parser.h"

namespace replwatch {

/// What the node collector found: the clock offset and the versions.
class NodeFacts : public Facts {
 public:
  double clock_offset_seconds = 0;
  std::optional<parsers::ZfsVersion> zfs;
  std::optional<parsers::PveVersion> pve;

  /// 8 or 9 from pve-manager's version; nullopt when unknown.
  std::optional<int> PveMajor() const;
  void Render(const LabelList& node_labels, MetricSet& out) const override;
};

/// Node facts: clock offset against the daemon (corrected for the round
/// trip), ZFS userland/kernel versions and the PVE version.
class NodeCollector : public Collector {
 public:
  std::string_view name() const override { return "node"; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

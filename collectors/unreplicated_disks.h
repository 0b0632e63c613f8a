#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/guest_disks.h"

namespace replwatch {

/// What a failover of each replicated guest of this node would take along
/// and leave behind (GuestDisks): the guests are those of the node's jobs (the
/// jobs collector's latest list), their disks come from their configs and
/// storage.cfg.
class UnreplicatedDisksFacts : public Facts {
 public:
  /// The collector these facts come from.
  static constexpr std::string_view kCollector = "unreplicated_disks";

  /// Per guest whose config was read. Guests whose config could not be
  /// read are absent: unknown.
  std::map<std::uint64_t, GuestDisks> guests;

  void Render(const LabelList& node_labels, MetricSet& out) const override;
};

class UnreplicatedDisksCollector : public Collector {
 public:
  std::string_view name() const override {
    return UnreplicatedDisksFacts::kCollector;
  }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

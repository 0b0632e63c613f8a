#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/parsers/ha_config_parser.h"

namespace replwatch {

/// What the HA manager does with one guest when its node fails.
struct HaPlacement {
  std::string state;  // resources.cfg's, `enabled` read as `started`
  /// The only nodes it may go to (a strict rule, a restricted group);
  /// unset: any node of the cluster (no rule, or preferred nodes, which
  /// fall back to every other node when none of them is online).
  std::optional<std::set<std::string>> only_on;

  /// HA moves it to another node when its node is fenced: `started`, and
  /// `stopped` (its config moves; it stays stopped). Not `disabled` or
  /// `ignored` (pve-ha-manager Manager.pm next_state_*).
  bool Recovered() const { return state == "started" || state == "stopped"; }
};

/// resources.cfg's guests, placed by PVE 8's HA groups (a cluster migrates
/// them to rules only once every node runs PVE 9, so a mixed cluster keeps
/// them; PVE 9 reads a group as a node-affinity rule) and PVE 9's
/// node-affinity rules. A guest in more than one goes anywhere:
/// pve-ha-manager drops such conflicting rules. An unknown group is none.
std::map<std::uint64_t, HaPlacement> PlaceHaGuests(
    const std::map<std::uint64_t, parsers::HaResource>& resources,
    const std::map<std::string, parsers::HaNodeAffinity>& groups,
    const std::vector<parsers::HaNodeAffinity>& rules);

/// The cluster's HA configuration (/etc/pve/ha/, the same on every node of
/// a quorate cluster), as read on one node. Its series are rendered with
/// the guests' jobs (RenderGuestHa).
class HaFacts : public Facts {
 public:
  /// The collector these facts come from.
  static constexpr std::string_view kCollector = "ha";

  std::map<std::uint64_t, HaPlacement> guests;  // HA resources by VMID

  void Render(const LabelList&, MetricSet&) const override {}
};

/// Reads resources.cfg, groups.cfg and rules.cfg. A missing file is an
/// empty one (no HA resource, no group, no rule); one that cannot be read
/// otherwise fails the collector: HA placement would be guessed.
class HaCollector : public Collector {
 public:
  std::string_view name() const override { return HaFacts::kCollector; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

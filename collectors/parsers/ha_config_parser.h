#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One guest of /etc/pve/ha/resources.cfg (`vm: 100`, `ct: 101`).
struct HaResource {
  std::string type;               // "vm" or "ct"
  std::string state = "started";  // started, stopped, disabled, ignored
  std::string group;              // PVE 8's HA group; "" without one
};

/// Nodes a guest may run on: a PVE 8 HA group (groups.cfg) or a PVE 9
/// node-affinity rule (rules.cfg).
struct HaNodeAffinity {
  std::map<std::string, int> nodes;  // node -> priority (default 0)
  /// restricted (group) or strict (rule): only these nodes. Otherwise they
  /// are preferred and every other node comes after them.
  bool strict = false;
  std::set<std::uint64_t> guests;  // a rule's resources; empty for a group
};

/// resources.cfg by VMID. `enabled` is read as `started` (an alias in
/// pve-ha-manager), a missing state as its default `started`. Sections of
/// another type and malformed VMIDs are warnings.
std::map<std::uint64_t, HaResource> ParseHaResources(
    std::string_view text, text::ParseWarnings* warnings);

/// PVE 8's groups.cfg by group name.
std::map<std::string, HaNodeAffinity> ParseHaGroups(
    std::string_view text, text::ParseWarnings* warnings);

/// PVE 9's rules.cfg: its node-affinity rules, without the disabled ones
/// (pve-ha-manager skips a rule with a `disable` key of any value).
/// resource-affinity rules say nothing of nodes and are skipped.
std::vector<HaNodeAffinity> ParseHaNodeAffinityRules(
    std::string_view text, text::ParseWarnings* warnings);

}  // namespace replwatch::parsers

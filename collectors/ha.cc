#include "collectors/ha.h"

#include "collectors/checked_command.h"

namespace replwatch {
namespace {

constexpr std::string_view kUnknown = "HA placement is not known";

std::set<std::string> NodesOf(const parsers::HaNodeAffinity& affinity) {
  std::set<std::string> nodes;
  for (const auto& [node, priority] : affinity.nodes) nodes.insert(node);
  return nodes;
}

}  // namespace

std::map<std::uint64_t, HaPlacement> PlaceHaGuests(
    const std::map<std::uint64_t, parsers::HaResource>& resources,
    const std::map<std::string, parsers::HaNodeAffinity>& groups,
    const std::vector<parsers::HaNodeAffinity>& rules) {
  std::map<std::uint64_t, std::vector<const parsers::HaNodeAffinity*>> rules_of;
  for (const parsers::HaNodeAffinity& rule : rules) {
    for (const std::uint64_t guest : rule.guests) {
      rules_of[guest].push_back(&rule);
    }
  }
  std::map<std::uint64_t, HaPlacement> placed;
  for (const auto& [vmid, resource] : resources) {
    HaPlacement& placement = placed[vmid];
    placement.state = resource.state;
    // PVE 9's manager reads a group as the rule it migrates to.
    std::vector<const parsers::HaNodeAffinity*> affinities = rules_of[vmid];
    if (const auto group = groups.find(resource.group);
        !resource.group.empty() && group != groups.end()) {
      affinities.push_back(&group->second);
    }
    if (affinities.size() == 1 && affinities.front()->strict) {
      placement.only_on = NodesOf(*affinities.front());
    }
  }
  return placed;
}

std::shared_ptr<const Facts> HaCollector::Collect(
    Transport& transport, const CollectContext& /*context*/) {
  auto facts = std::make_shared<HaFacts>();
  text::ParseWarnings& warnings = facts->warnings;
  const auto resources = parsers::ParseHaResources(
      FileTextOrEmpty(transport, CommandId::kCatHaResources, kUnknown),
      &warnings);
  const auto groups = parsers::ParseHaGroups(
      FileTextOrEmpty(transport, CommandId::kCatHaGroups, kUnknown), &warnings);
  const auto rules = parsers::ParseHaNodeAffinityRules(
      FileTextOrEmpty(transport, CommandId::kCatHaRules, kUnknown), &warnings);
  facts->guests = PlaceHaGuests(resources, groups, rules);
  return facts;
}

}  // namespace replwatch

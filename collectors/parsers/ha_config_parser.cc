#include "collectors/parsers/ha_config_parser.h"

#include <optional>

#include "collectors/parsers/section_config.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

// `<node>[:<priority>]{,...}` (pve-ha-manager's pve-ha-group-node-list).
std::optional<std::map<std::string, int>> ParseNodeList(std::string_view list) {
  std::map<std::string, int> nodes;
  while (!list.empty()) {
    std::string_view priority = text::SplitAt(&list, ',');
    const std::string_view node =
        text::TrimSpace(text::SplitAt(&priority, ':'));
    if (node.empty()) return std::nullopt;
    int value = 0;
    if (!priority.empty()) {
      const auto parsed = text::ParseUint64(priority);
      if (!parsed || *parsed > 1000000) return std::nullopt;
      value = static_cast<int>(*parsed);
    }
    nodes[std::string(node)] = value;
  }
  if (nodes.empty()) return std::nullopt;
  return nodes;
}

// A resource id of a rule, `vm:100` or `ct:101`: its VMID.
std::optional<std::uint64_t> GuestOfResourceId(std::string_view id) {
  const std::string_view type = text::SplitAt(&id, ':');
  if (type != "vm" && type != "ct") return std::nullopt;
  return text::ParseUint64(id);
}

void Warn(text::ParseWarnings* warnings, const ConfigSection& section,
          std::string_view file, const std::string& what) {
  warnings->Add(section.line, std::string(file) + ": " + section.type + " " +
                                  text::Printable(section.id, 64) + ": " +
                                  what);
}

}  // namespace

std::map<std::uint64_t, HaResource> ParseHaResources(
    std::string_view text, text::ParseWarnings* warnings) {
  std::map<std::uint64_t, HaResource> resources;
  for (const ConfigSection& section :
       ParseSectionConfig(text, "resources.cfg", warnings)) {
    const auto vmid = text::ParseUint64(section.id);
    if ((section.type != "vm" && section.type != "ct") || !vmid) {
      Warn(warnings, section, "resources.cfg", "not a guest, skipped");
      continue;
    }
    HaResource& resource = resources[*vmid];
    resource.type = section.type;
    if (const std::string* state = section.Option("state")) {
      resource.state = *state == "enabled" ? "started" : *state;
    }
    if (const std::string* group = section.Option("group")) {
      resource.group = *group;
    }
  }
  return resources;
}

std::map<std::string, HaNodeAffinity> ParseHaGroups(
    std::string_view text, text::ParseWarnings* warnings) {
  std::map<std::string, HaNodeAffinity> groups;
  for (const ConfigSection& section :
       ParseSectionConfig(text, "groups.cfg", warnings)) {
    if (section.type != "group") continue;
    const std::string* list = section.Option("nodes");
    const auto nodes = list ? ParseNodeList(*list) : std::nullopt;
    if (!nodes) {
      Warn(warnings, section, "groups.cfg", "no valid `nodes`, skipped");
      continue;
    }
    groups[section.id] = {*nodes, section.Flag("restricted"), {}};
  }
  return groups;
}

std::vector<HaNodeAffinity> ParseHaNodeAffinityRules(
    std::string_view text, text::ParseWarnings* warnings) {
  std::vector<HaNodeAffinity> rules;
  for (const ConfigSection& section :
       ParseSectionConfig(text, "rules.cfg", warnings)) {
    if (section.type != "node-affinity" || section.Option("disable")) continue;
    const std::string* list = section.Option("nodes");
    const auto nodes = list ? ParseNodeList(*list) : std::nullopt;
    const std::string* resources = section.Option("resources");
    if (!nodes || resources == nullptr) {
      Warn(warnings, section, "rules.cfg",
           "no valid `nodes` or `resources`, skipped");
      continue;
    }
    HaNodeAffinity rule{*nodes, section.Flag("strict"), {}};
    std::string_view ids = *resources;
    while (!ids.empty()) {
      const auto guest =
          GuestOfResourceId(text::TrimSpace(text::SplitAt(&ids, ',')));
      if (guest) rule.guests.insert(*guest);
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace replwatch::parsers

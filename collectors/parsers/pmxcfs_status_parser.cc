#include "collectors/parsers/pmxcfs_status_parser.h"

#include "text/json.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

text::JsonValue ParseObject(std::string_view json, const char* what) {
  text::JsonValue doc = text::ParseJson(json);
  if (!doc.is_object()) {
    throw text::ParseError(std::string(what) + ": expected a JSON object");
  }
  return doc;
}

}  // namespace

std::map<std::uint64_t, GuestPlacement> ParseVmlist(
    std::string_view json, text::ParseWarnings* warnings) {
  const text::JsonValue doc = ParseObject(json, ".vmlist");
  std::map<std::uint64_t, GuestPlacement> guests;
  const text::JsonValue* ids = doc.Find("ids");
  if (ids == nullptr) return guests;
  if (!ids->is_object()) {
    throw text::ParseError(".vmlist: \"ids\" is not an object");
  }
  for (const auto& [key, entry] : ids->AsObject()) {
    const auto vmid = text::ParseUint64(key);
    const text::JsonValue* node =
        entry.is_object() ? entry.Find("node") : nullptr;
    if (!vmid || node == nullptr || !node->is_string()) {
      warnings->push_back({0, ".vmlist: entry '" + text::Printable(key) +
                                  "' is not a guest with a node, skipped"});
      continue;
    }
    GuestPlacement& placement = guests[*vmid];
    placement.node = node->AsString();
    const text::JsonValue* type = entry.Find("type");
    if (type != nullptr && type->is_string()) placement.type = type->AsString();
  }
  return guests;
}

std::map<std::string, bool> ParseMembersOnline(std::string_view json,
                                               text::ParseWarnings* warnings) {
  const text::JsonValue doc = ParseObject(json, ".members");
  std::map<std::string, bool> online;
  const text::JsonValue* nodes = doc.Find("nodelist");
  if (nodes == nullptr) return online;  // a node outside a cluster
  if (!nodes->is_object()) {
    throw text::ParseError(".members: \"nodelist\" is not an object");
  }
  for (const auto& [name, entry] : nodes->AsObject()) {
    const text::JsonValue* flag =
        entry.is_object() ? entry.Find("online") : nullptr;
    const auto value =
        flag != nullptr ? text::NumberOrNumericStringInt64(flag) : std::nullopt;
    if (!value) {
      warnings->push_back({0, ".members: node '" + text::Printable(name) +
                                  "' has no online flag, taken as offline"});
    }
    online[name] = value.value_or(0) != 0;
  }
  return online;
}

}  // namespace replwatch::parsers

#include "collectors/parsers/ip_link_parser.h"

#include "text/json.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

void ReadCounters(const text::JsonValue* block, LinkCounters* counters) {
  if (block == nullptr) return;
  counters->bytes =
      block->Find("bytes") ? block->Find("bytes")->AsUint64() : std::nullopt;
  counters->packets = block->Find("packets")
                          ? block->Find("packets")->AsUint64()
                          : std::nullopt;
  counters->errors =
      block->Find("errors") ? block->Find("errors")->AsUint64() : std::nullopt;
  counters->dropped = block->Find("dropped")
                          ? block->Find("dropped")->AsUint64()
                          : std::nullopt;
}

// iproute2 -h prints 1000-based units (K M G T).
std::optional<std::uint64_t> TextCounter(std::string_view token,
                                         bool* approximate) {
  if (const auto exact = text::ParseUint64(token)) return exact;
  static constexpr std::string_view kUnits = "KMGT";
  if (token.empty()) return std::nullopt;
  const std::size_t unit = kUnits.find(token.back());
  if (unit == std::string_view::npos) return std::nullopt;
  const auto mantissa = text::ParseDecimal(token.substr(0, token.size() - 1));
  if (!mantissa || *mantissa < 0 || *mantissa > 1e6) return std::nullopt;
  double scale = 1000;
  for (std::size_t i = 0; i < unit; ++i) scale *= 1000;
  *approximate = true;
  return static_cast<std::uint64_t>(*mantissa * scale);
}

// "2: eth0@if5: <BROADCAST,UP> mtu 1500 qdisc mq master br0 state UP ..."
std::optional<InterfaceStats> ParseHeader(std::string_view line) {
  std::string_view rest = line;
  const std::string_view index = text::SplitAt(&rest, ':');
  if (!text::ParseUint64(index) || rest.empty() || rest[0] != ' ')
    return std::nullopt;
  rest.remove_prefix(1);
  const std::size_t colon = rest.find(": ");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  InterfaceStats iface;
  const std::string_view name = rest.substr(0, colon);
  iface.ifname = std::string(name.substr(0, name.find('@')));
  rest.remove_prefix(colon + 2);
  if (text::StartsWith(rest, "<")) {
    std::string_view flags = rest.substr(1, rest.find('>') - 1);
    while (!flags.empty()) iface.flags.emplace_back(text::SplitAt(&flags, ','));
    rest.remove_prefix(std::min(rest.size(), rest.find('>') + 1));
  }
  for (std::string_view key = text::NextField(&rest); !key.empty();
       key = text::NextField(&rest)) {
    const std::string_view value = text::NextField(&rest);
    if (key == "mtu") iface.mtu = text::ParseUint64(value);
    if (key == "state") iface.operstate = std::string(value);
    if (key == "master") iface.master = std::string(value);
  }
  return iface;
}

}  // namespace

LinkListing ParseIpLinkJson(std::string_view json) {
  const text::JsonValue doc = text::ParseJson(json);
  if (!doc.is_array())
    throw text::ParseError("ip -j link: expected a JSON array");
  LinkListing listing;
  for (const text::JsonValue& item : doc.AsArray()) {
    const text::JsonValue* name = item.Find("ifname");
    if (name == nullptr || !name->is_string()) {
      listing.warnings.push_back({0, "interface without ifname skipped"});
      continue;
    }
    InterfaceStats iface;
    iface.ifname = name->AsString();
    iface.mtu = item.Find("mtu") ? item.Find("mtu")->AsUint64() : std::nullopt;
    if (const text::JsonValue* v = item.Find("operstate"); v && v->is_string())
      iface.operstate = v->AsString();
    if (const text::JsonValue* v = item.Find("master"); v && v->is_string())
      iface.master = v->AsString();
    if (const text::JsonValue* flags = item.Find("flags");
        flags && flags->is_array()) {
      for (const text::JsonValue& f : flags->AsArray()) {
        if (f.is_string()) iface.flags.push_back(f.AsString());
      }
    }
    const text::JsonValue* stats = item.Find("stats64");
    if (stats == nullptr) stats = item.Find("stats");
    const text::JsonValue* tx = stats ? stats->Find("tx") : nullptr;
    if (stats != nullptr) {
      ReadCounters(stats->Find("rx"), &iface.rx);
      ReadCounters(tx, &iface.tx);
    }
    if (const text::JsonValue* v = item.Find("carrier_changes")) {
      iface.carrier_changes = v->AsUint64();
    } else if (const text::JsonValue* v =
                   tx ? tx->Find("carrier_changes") : nullptr) {
      iface.carrier_changes = v->AsUint64();
    }
    const text::JsonValue* info = item.Find("linkinfo");
    if (const text::JsonValue* kind = info ? info->Find("info_kind") : nullptr;
        kind && kind->is_string()) {
      iface.kind = kind->AsString();
    }
    if (const text::JsonValue* addresses = item.Find("addr_info");
        addresses && addresses->is_array()) {
      for (const text::JsonValue& address : addresses->AsArray()) {
        const text::JsonValue* local = address.Find("local");
        if (local == nullptr || !local->is_string()) continue;
        if (iface.addresses.size() == InterfaceStats::kMaxAddresses) {
          listing.warnings.push_back(
              {0, text::Printable(iface.ifname) + ": addresses over " +
                      std::to_string(InterfaceStats::kMaxAddresses) +
                      " left out"});
          break;
        }
        iface.addresses.push_back(local->AsString());
      }
    }
    listing.interfaces.push_back(std::move(iface));
  }
  return listing;
}

LinkListing ParseIpLinkText(std::string_view text) {
  text::RejectNulBytes(text, "ip link");
  LinkListing listing;
  text::LineReader lines(text);
  std::string_view line;
  std::string_view pending_header;  // "RX: bytes packets ..." awaiting values
  bool in_vf = false;
  while (lines.Next(&line)) {
    const std::string_view trimmed = text::TrimSpace(line);
    if (trimmed.empty()) continue;
    if (line[0] != ' ' && line[0] != '\t') {
      if (auto iface = ParseHeader(line)) {
        listing.interfaces.push_back(std::move(*iface));
        in_vf = false;
      } else {
        listing.warnings.push_back({lines.line_number(), "unrecognized line"});
      }
      pending_header = {};
      continue;
    }
    if (text::StartsWith(trimmed, "vf ")) in_vf = true;
    if (text::StartsWith(trimmed, "RX:") || text::StartsWith(trimmed, "TX:")) {
      pending_header = trimmed;
      continue;
    }
    if (pending_header.empty()) continue;  // link/ether, details, errors rows
    const std::string_view header = pending_header;
    pending_header = {};
    if (in_vf) continue;
    if (listing.interfaces.empty()) {
      listing.warnings.push_back(
          {lines.line_number(), "counters without an interface header"});
      listing.interfaces.emplace_back();
    }
    InterfaceStats& iface = listing.interfaces.back();
    LinkCounters& counters = header[0] == 'R' ? iface.rx : iface.tx;
    std::string_view names = header.substr(3);
    std::string_view values = trimmed;
    for (std::string_view name = text::NextField(&names); !name.empty();
         name = text::NextField(&names)) {
      const std::string_view token = text::NextField(&values);
      if (token.empty()) {
        listing.warnings.push_back(
            {lines.line_number(), "fewer counters than header names"});
        break;
      }
      const auto value = TextCounter(token, &iface.approximate);
      if (!value)
        listing.warnings.push_back({lines.line_number(), "unreadable counter"});
      if (name == "bytes") counters.bytes = value;
      if (name == "packets") counters.packets = value;
      if (name == "errors") counters.errors = value;
      if (name == "dropped") counters.dropped = value;
    }
  }
  return listing;
}

}  // namespace replwatch::parsers

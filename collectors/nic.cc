#include "collectors/nic.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "collectors/checked_command.h"
#include "collectors/parsers/ip_link_parser.h"
#include "text/json.h"
#include "text/text_scan.h"

namespace replwatch {
namespace {

using text::JsonValue;

// What ParseIpLinkJson does not keep: linkinfo's kind, and carrier_changes
// where iproute2 6.1 (Debian 12) prints it: in stats64.tx, only with `-s -s`.
struct LinkDetails {
  std::string kind;
  std::optional<std::uint64_t> tx_carrier_changes;
};

std::map<std::string, LinkDetails> ReadLinkDetails(std::string_view json) {
  std::map<std::string, LinkDetails> details;
  const text::JsonValue doc = text::ParseJson(json);
  for (const text::JsonValue& item : doc.AsArray()) {
    const text::JsonValue* name = item.Find("ifname");
    if (name == nullptr || !name->is_string()) continue;
    LinkDetails& link = details[name->AsString()];
    const text::JsonValue* info = item.Find("linkinfo");
    const text::JsonValue* kind = info ? info->Find("info_kind") : nullptr;
    link.kind = kind && kind->is_string() ? kind->AsString() : "physical";
    const text::JsonValue* stats = item.Find("stats64");
    if (stats == nullptr) stats = item.Find("stats");
    const text::JsonValue* tx = stats ? stats->Find("tx") : nullptr;
    if (const text::JsonValue* changes =
            tx ? tx->Find("carrier_changes") : nullptr)
      link.tx_carrier_changes = changes->AsUint64();
  }
  return details;
}

bool HasFlag(const parsers::InterfaceStats& link, std::string_view flag) {
  return std::find(link.flags.begin(), link.flags.end(), flag) !=
         link.flags.end();
}

// operstate is authoritative. Drivers that do not track it report UNKNOWN
// (tun, dummy, some virtual NICs); those count as up when administratively
// UP with carrier (LOWER_UP).
std::optional<bool> IsUp(const parsers::InterfaceStats& link) {
  if (link.operstate.empty() && link.flags.empty()) return std::nullopt;
  if (link.operstate == "UP") return true;
  if (link.operstate.empty() || link.operstate == "UNKNOWN")
    return HasFlag(link, "UP") && HasFlag(link, "LOWER_UP");
  return false;
}

std::shared_ptr<const NicFacts> FactsFromIpLinkJson(std::string_view json) {
  const parsers::LinkListing listing = parsers::ParseIpLinkJson(json);
  const std::map<std::string, LinkDetails> details = ReadLinkDetails(json);
  auto facts = std::make_shared<NicFacts>();
  facts->warnings.AddAll("ip link: ", listing.warnings);
  std::set<std::string> seen;
  std::size_t skipped_over_cap = 0;
  for (const parsers::InterfaceStats& link : listing.interfaces) {
    if (!IsWatchedInterfaceName(link.ifname)) {
      ++facts->skipped_by_name;
      continue;
    }
    if (!seen.insert(link.ifname).second) {
      facts->warnings.Add("ip link: duplicate interface " + link.ifname);
      continue;
    }
    if (facts->interfaces.size() == NicFacts::kMaxInterfaces) {
      ++skipped_over_cap;
      continue;
    }
    NicFacts::Interface& nic = facts->interfaces.emplace_back();
    nic.name = link.ifname;
    const auto detail = details.find(link.ifname);
    nic.kind = detail == details.end() ? "physical" : detail->second.kind;
    nic.mtu = link.mtu;
    nic.up = IsUp(link);
    nic.rx_errors = link.rx.errors;
    nic.tx_errors = link.tx.errors;
    nic.rx_dropped = link.rx.dropped;
    nic.tx_dropped = link.tx.dropped;
    nic.carrier_changes = link.carrier_changes;
    if (!nic.carrier_changes && detail != details.end())
      nic.carrier_changes = detail->second.tx_carrier_changes;
  }
  if (skipped_over_cap > 0) {
    facts->LeaveOut("interfaces", skipped_over_cap, NicFacts::kMaxInterfaces);
  }
  return facts;
}

void CounterIfPresent(MetricSet& out, const std::string& name,
                      std::string_view help, const LabelList& labels,
                      const std::optional<std::uint64_t>& value) {
  if (value) out.Counter(name, help, labels, static_cast<double>(*value));
}

}  // namespace

bool IsWatchedInterfaceName(std::string_view name) {
  // IFNAMSIZ is 16 bytes including the terminating NUL.
  if (!text::IsPrintableToken(name, 15) || text::Contains(name, "/"))
    return false;
  static constexpr std::string_view kPrefixes[] = {"vmbr", "bond", "eth",
                                                   "en",   "nic",  "vlan"};
  return std::any_of(std::begin(kPrefixes), std::end(kPrefixes),
                     [name](std::string_view prefix) {
                       return text::StartsWith(name, prefix);
                     });
}

const NicFacts::Interface* NicFacts::Find(std::string_view name) const {
  for (const Interface& nic : interfaces) {
    if (nic.name == name) return &nic;
  }
  return nullptr;
}

std::optional<std::uint64_t> NicFacts::ReplicationMtu() const {
  std::optional<std::uint64_t> lowest;
  for (const Interface& nic : interfaces) {
    if (nic.up != true || !nic.mtu) continue;
    if (!lowest || *nic.mtu < *lowest) lowest = nic.mtu;
  }
  return lowest;
}

void NicFacts::Render(const LabelList& node_labels, MetricSet& out) const {
  for (const Interface& nic : interfaces) {
    LabelList labels = node_labels;
    labels.emplace_back("interface", nic.name);
    if (nic.mtu) {
      out.Gauge("replwatch_nic_mtu_bytes", "Interface MTU (ip link).", labels,
                static_cast<double>(*nic.mtu));
    }
    if (nic.up) {
      out.Gauge("replwatch_nic_up",
                "1 if the interface is operationally up (operstate UP, or "
                "UNKNOWN with flags UP and LOWER_UP).",
                labels, *nic.up ? 1 : 0);
    }
    CounterIfPresent(out, "replwatch_nic_receive_errors_total",
                     "Receive errors of the interface.", labels, nic.rx_errors);
    CounterIfPresent(out, "replwatch_nic_transmit_errors_total",
                     "Transmit errors of the interface.", labels,
                     nic.tx_errors);
    CounterIfPresent(out, "replwatch_nic_receive_dropped_total",
                     "Received packets dropped by the interface.", labels,
                     nic.rx_dropped);
    CounterIfPresent(out, "replwatch_nic_transmit_dropped_total",
                     "Packets to transmit dropped by the interface.", labels,
                     nic.tx_dropped);
    CounterIfPresent(out, "replwatch_nic_carrier_changes_total",
                     "Carrier (link) up/down transitions of the interface.",
                     labels, nic.carrier_changes);
  }
}

std::shared_ptr<const Facts> NicCollector::Collect(
    Transport& transport, const CollectContext& /*context*/) {
  return FactsFromIpLinkJson(RunExpectingSuccess(transport, "ip-link-stats"));
}

}  // namespace replwatch

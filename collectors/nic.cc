#include "collectors/nic.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "collectors/checked_command.h"
#include "collectors/ip_network.h"
#include "collectors/node.h"
#include "collectors/parsers/ip_link_parser.h"
#include "text/text_scan.h"

namespace replwatch {
namespace {

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

std::shared_ptr<NicFacts> FactsFromIpLinkJson(std::string_view json) {
  const parsers::LinkListing listing = parsers::ParseIpLinkJson(json);
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
    // The kernel reports no kind for physical NICs.
    nic.kind = link.kind.empty() ? "physical" : link.kind;
    nic.mtu = link.mtu;
    nic.up = IsUp(link);
    nic.rx_errors = link.rx.errors;
    nic.tx_errors = link.tx.errors;
    nic.rx_dropped = link.rx.dropped;
    nic.tx_dropped = link.tx.dropped;
    nic.carrier_changes = link.carrier_changes;
    nic.addresses = link.addresses;
    nic.master = link.master;
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

const NicFacts::Interface* NicFacts::FindByAddress(
    std::string_view address) const {
  for (const Interface& nic : interfaces) {
    for (const std::string& own : nic.addresses) {
      if (own == address) return &nic;
    }
  }
  return nullptr;
}

const NicFacts::Interface* NicFacts::ReplicationNetworkInterface() const {
  if (!replication_network || replication_network->cidr.empty()) {
    return nullptr;
  }
  const auto network = IpNetwork::Parse(replication_network->cidr);
  if (!network) return nullptr;
  for (const Interface& nic : interfaces) {
    if (nic.up != true) continue;
    for (const std::string& address : nic.addresses) {
      if (network->Contains(address)) return &nic;
    }
  }
  return nullptr;
}

bool NicFacts::InReplicationNetwork(std::string_view address) const {
  if (!replication_network) return false;
  const auto network = IpNetwork::Parse(replication_network->cidr);
  return network && network->Contains(address);
}

std::optional<std::uint64_t> NicFacts::ReplicationMtu() const {
  if (const Interface* nic = ReplicationNetworkInterface()) return nic->mtu;
  std::optional<std::uint64_t> lowest;
  for (const Interface& nic : interfaces) {
    if (nic.up != true || !nic.mtu) continue;
    if (!lowest || *nic.mtu < *lowest) lowest = nic.mtu;
  }
  return lowest;
}

void NicFacts::Render(const LabelList& node_labels, MetricSet& out) const {
  RenderReplicationNetwork(out, node_labels);
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

void NicFacts::RenderReplicationNetwork(MetricSet& out,
                                        const LabelList& node_labels) const {
  if (!replication_network || replication_network->cidr.empty()) return;
  LabelList labels = node_labels;
  labels.emplace_back("network", replication_network->cidr);
  labels.emplace_back("option", replication_network->option);
  const Interface* nic = ReplicationNetworkInterface();
  out.Gauge("replwatch_node_replication_network_present",
            "1 if an interface of the node that is up has an address in the "
            "replication network datacenter.cfg sets (replication:, else "
            "migration:); without one, PVE cannot replicate to or from it.",
            labels, nic != nullptr ? 1 : 0);
  if (nic != nullptr) {
    labels.emplace_back("interface", nic->name);
    out.Gauge("replwatch_node_replication_network_interface",
              "1 for the interface that holds the node's address in the "
              "replication network.",
              labels, 1);
  }
}

std::shared_ptr<const Facts> NicCollector::Collect(
    Transport& transport, const CollectContext& context) {
  auto facts = FactsFromIpLinkJson(
      RunExpectingSuccess(transport, CommandId::kIpAddrStats));
  // A node outside a cluster may have no datacenter.cfg: the cluster
  // network. One that cannot be read leaves the replication network unknown.
  const std::optional<std::string> datacenter =
      ReadOptionalFile(transport, CommandId::kCatDatacenterCfg,
                       "replication network unknown", facts->warnings);
  if (datacenter) {
    const parsers::DatacenterConfig config =
        parsers::ParseDatacenterCfg(*datacenter);
    facts->warnings.AddAll("datacenter.cfg: ", config.warnings);
    const auto node_facts = context.Latest<NodeFacts>();
    // Unknown version: PVE 9's rule, the platform's.
    const int pve_major =
        node_facts && node_facts->PveMajor() ? *node_facts->PveMajor() : 9;
    facts->replication_network = config.NetworkFor(pve_major);
    if (facts->replication_network &&
        !facts->replication_network->cidr.empty() &&
        !IpNetwork::Parse(facts->replication_network->cidr)) {
      facts->warnings.Add(
          "datacenter.cfg: " + facts->replication_network->option +
          " network " + text::Printable(facts->replication_network->cidr) +
          " is not a CIDR network");
      facts->replication_network.reset();
    }
  }
  return facts;
}

}  // namespace replwatch

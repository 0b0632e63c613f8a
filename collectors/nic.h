#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace replwatch {

/// The node's watched network interfaces (`ip -j -s -s -d link`).
///
/// Only interfaces that can carry node-to-node traffic are kept, by name
/// (see IsWatchedInterfaceName), and at most kMaxInterfaces of them, so the
/// series count does not grow with the number of guests.
class NicFacts : public Facts {
 public:
  static constexpr std::size_t kMaxInterfaces = 64;

  struct Interface {
    std::string name;
    /// linkinfo's info_kind (bridge, bond, veth, vlan, ...); "physical" when
    /// the kernel reports none.
    std::string kind;
    std::optional<std::uint64_t> mtu;
    /// Absent when ip printed neither operstate nor flags.
    std::optional<bool> up;
    std::optional<std::uint64_t> rx_errors;
    std::optional<std::uint64_t> tx_errors;
    std::optional<std::uint64_t> rx_dropped;
    std::optional<std::uint64_t> tx_dropped;
    std::optional<std::uint64_t> carrier_changes;
  };

  std::vector<Interface> interfaces;  // in ip's (ifindex) order
  std::size_t skipped_by_name = 0;    // guest taps, firewall bridges, lo...

  const Interface* Find(std::string_view name) const;

  /// The MTU node-to-node traffic is assumed to use: the lowest MTU among the
  /// watched interfaces that are up (vmbr*, bond*, eth*, en*, nic*, vlan*;
  /// never lo or guest plumbing). `ip link` carries no addresses, so the
  /// interface that really routes to a peer is unknown. The lowest MTU never
  /// over-probes (no false black-hole alarms) but can miss a jumbo-frame
  /// replication network when another uplink has a smaller MTU.
  std::optional<std::uint64_t> ReplicationMtu() const;

  void Render(const LabelList& node_labels, MetricSet& out) const override;
};

/// True for names that look like a node's own uplinks: vmbr*, bond*, eth*,
/// en* (eno1, enp3s0f0, ens18), nic* (PVE 9 pinned names) and vlan*, VLAN
/// sub-interfaces of those included (bond0.20). Everything else is skipped:
/// lo, guest taps (tap*), firewall plumbing (fwbr*, fwpr*, fwln*), container
/// veth* and any other virtual device. The rule is by name, not by kind,
/// because a node's bridge may well be a veth (the lab's vmbr0 is).
bool IsWatchedInterfaceName(std::string_view name);

/// Reads per-interface MTU, state, error/drop and carrier-change counters.
/// One remote command per cycle.
class NicCollector : public Collector {
 public:
  std::string_view name() const override { return "nic"; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

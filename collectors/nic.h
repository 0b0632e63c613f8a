#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/parsers/datacenter_cfg_parser.h"

namespace replwatch {

/// The node's watched network interfaces (`ip -j -s -s -d addr`) and the
/// replication network datacenter.cfg names.
///
/// Only interfaces that can carry node-to-node traffic are kept, by name
/// (see IsWatchedInterfaceName), and at most kMaxInterfaces of them, so the
/// series count does not grow with the number of guests.
class NicFacts : public Facts {
 public:
  /// The collector these facts come from (ClusterView::Find<NicFacts>).
  static constexpr std::string_view kCollector = "nic";

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
    std::vector<std::string> addresses;  // IPv4 and IPv6, no prefix
    std::string master;  // the bridge or bond it is a port of, if any
  };

  std::vector<Interface> interfaces;  // in ip's (ifindex) order
  std::size_t skipped_by_name = 0;    // guest taps, firewall bridges, lo...

  const Interface* Find(std::string_view name) const;

  /// The network this node's replication uses, from datacenter.cfg as its
  /// PVE version reads it; nullopt: none set (the cluster network) or the
  /// file could not be read.
  std::optional<parsers::TransferNetwork> replication_network;

  /// The watched interface holding `address`, or null.
  const Interface* FindByAddress(std::string_view address) const;
  /// The up interface with an address inside the replication network's
  /// CIDR (PVE sends there: the target's address in that network, found
  /// by `pvecm mtunnel -get_migration_ip`); null without a CIDR or when no
  /// interface has one, which makes PVE's replication to and from this node
  /// fail ("failed to get ip for node ... in network ...").
  const Interface* ReplicationNetworkInterface() const;
  /// True if a CIDR is set and `address` is inside it.
  bool InReplicationNetwork(std::string_view address) const;
  /// The MTU replication traffic is assumed to use: that of
  /// ReplicationNetworkInterface() when a CIDR is set, else the lowest MTU
  /// among the watched interfaces that are up. The lowest never over-probes
  /// (no false black-hole alarms) but can miss a jumbo-frame network when
  /// another uplink has a smaller MTU; the paths collector refines it per
  /// target with the interface that routes there.
  std::optional<std::uint64_t> ReplicationMtu() const;

  void Render(const LabelList& node_labels, MetricSet& out) const override;

 private:
  void RenderReplicationNetwork(MetricSet& out,
                                const LabelList& node_labels) const;
};

/// True for names that look like a node's own uplinks: vmbr*, bond*, eth*,
/// en* (eno1, enp3s0f0, ens18), nic* (PVE 9 pinned names) and vlan*, VLAN
/// sub-interfaces of those included (bond0.20). Everything else is skipped:
/// lo, guest taps (tap*), firewall plumbing (fwbr*, fwpr*, fwln*), container
/// veth* and any other virtual device. The rule is by name, not by kind,
/// because a node's bridge may well be a veth (the lab's vmbr0 is).
bool IsWatchedInterfaceName(std::string_view name);

/// Reads per-interface MTU, state, addresses, error/drop and carrier-change
/// counters, and the replication network of datacenter.cfg. Two remote
/// commands per cycle.
class NicCollector : public Collector {
 public:
  std::string_view name() const override { return NicFacts::kCollector; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

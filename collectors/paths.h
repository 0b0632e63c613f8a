#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace replwatch {

/// Node-to-node checks on one replication path: this node -> `target`.
/// A field is absent when its check could not give a verdict.
struct PathCheck {
  std::string target;
  /// Root SSH in BatchMode, as PVE replication runs it, worked.
  std::optional<bool> ssh_ok;
  /// OpenSSH's verdict when it failed (its last stderr line, e.g. "Host key
  /// verification failed."), for the log; never a label.
  std::string ssh_error;
  /// The address replication goes to: the target's configured address.
  std::string address;
  /// The interface replication leaves this node by: the one in the
  /// replication network when datacenter.cfg sets one, else the one that
  /// `ip route get <address>` names; empty when unknown.
  std::string interface;
  /// That interface's MTU; the node's ReplicationMtu() when the interface
  /// is unknown or not watched.
  std::optional<std::uint64_t> interface_mtu;
  /// That interface's speed in Mbit/s (a bridge's: its fastest port's).
  std::optional<std::uint64_t> link_speed_mbps;
  /// The packet size probed: interface_mtu.
  std::optional<std::uint64_t> probe_mtu;
  /// A don't-fragment ping of probe_mtu bytes went there and back. Also
  /// false when the target does not answer at all: read it with ssh_ok.
  std::optional<bool> path_mtu_ok;
};

/// The replication paths leaving this node and their checks.
class PathsFacts : public Facts {
 public:
  /// The collector these facts come from (ClusterView::Find<PathsFacts>).
  static constexpr std::string_view kCollector = "paths";

  static constexpr std::size_t kMaxTargets = 16;

  std::vector<PathCheck> paths;  // sorted by target

  const PathCheck* Find(std::string_view target) const;
  /// Series with `pve_cluster`, `source` (this node) and `target`.
  void Render(const LabelList& node_labels, MetricSet& out) const override;
};

/// Checks each distinct replication target of this node (at most
/// kMaxTargets): `ssh -o BatchMode=yes root@<target> -- /bin/true` and
/// `ping -M do -s <MTU - IP/ICMP headers> <target>`, both run on the node,
/// with the MTU of the interface replication leaves by (the replication
/// network's, else the one `ip -j route get <target>` names). Targets come
/// from the jobs collector's facts, or, before those exist, from
/// /etc/pve/replication.cfg (jobs whose `source` is this node). Addresses
/// come from the configured peers; MTUs from the nic collector's facts (no
/// MTU probe without them).
///
/// The interface's speed comes from /sys/class/net/<if>/speed (a bridge's
/// from its ports').
///
/// Remote commands per cycle: 4 per target (3 with a replication network;
/// one more per extra port of a bridge), plus 1 without jobs facts; so
/// bounded by the cluster size, never by the number of guests or jobs.
class PathsCollector : public Collector {
 public:
  std::string_view name() const override { return PathsFacts::kCollector; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

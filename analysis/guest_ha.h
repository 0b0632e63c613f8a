#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "analysis/cluster_view.h"
#include "exposition/metric_set.h"

namespace replwatch {

/// What the HA manager would do with a replicated guest when its node
/// fails. pve-ha-manager picks the recovery node among the online nodes
/// the guest's rules allow and never asks whether a replica is there
/// (Manager.pm select_service_node).
struct GuestHaRecovery {
  bool managed = false;  // HaPlacement::Recovered()
  /// The nodes HA may recover it onto that none of its jobs replicates to.
  std::set<std::string> nodes_without_replica;
};

/// `guest`'s recovery, from the jobs of `view` that replicate it (its node
/// is their source) and any node's current HaFacts (the files are
/// cluster-wide; the guest's own node's first). nullopt while no node's HA
/// facts are current, or when no job replicates the guest. The cluster's
/// nodes are the ones replwatch is configured with.
std::optional<GuestHaRecovery> AnalyzeGuestHa(const ClusterView& view,
                                              std::uint64_t guest);

/// replwatch_guest_ha_managed and replwatch_guest_ha_node_without_replica
/// of every replicated guest (AnalyzeGuestHa).
void RenderGuestHa(const ClusterView& view, MetricSet& out);

}  // namespace replwatch

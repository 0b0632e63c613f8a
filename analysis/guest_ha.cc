#include "analysis/guest_ha.h"

#include <map>
#include <set>

#include "collectors/ha.h"
#include "collectors/jobs.h"

namespace replwatch {
namespace {

struct ReplicatedGuest {
  std::string node;  // where it runs: its jobs' source
  std::set<std::string> targets;
};

std::map<std::uint64_t, ReplicatedGuest> ReplicatedGuests(
    const ClusterView& view) {
  std::map<std::uint64_t, ReplicatedGuest> guests;
  for (const std::string& node : view.nodes()) {
    const auto* jobs = view.Find<JobsFacts>(node);
    if (jobs == nullptr) continue;
    for (const JobFacts& job : jobs->jobs) {
      ReplicatedGuest& guest = guests[job.state.guest];
      guest.node = node;
      guest.targets.insert(job.state.target);
    }
  }
  return guests;
}

// Every node of the cluster: replwatch's, and those /etc/pve/.members names
// (a node replwatch does not watch is still one HA may use).
std::set<std::string> ClusterNodes(const ClusterView& view) {
  std::set<std::string> nodes(view.nodes().begin(), view.nodes().end());
  for (const std::string& node : view.nodes()) {
    if (const auto* jobs = view.Find<JobsFacts>(node)) {
      nodes.insert(jobs->cluster_members.begin(), jobs->cluster_members.end());
    }
  }
  return nodes;
}

std::optional<GuestHaRecovery> Analyze(const ClusterView& view,
                                       const std::set<std::string>& cluster,
                                       std::uint64_t vmid,
                                       const ReplicatedGuest& guest) {
  const HaFacts* ha = view.Find<HaFacts>(guest.node);
  for (auto node = view.nodes().begin(); ha == nullptr; ++node) {
    if (node == view.nodes().end()) return std::nullopt;
    ha = view.Find<HaFacts>(*node);
  }
  GuestHaRecovery recovery;
  const auto placement = ha->guests.find(vmid);
  recovery.managed =
      placement != ha->guests.end() && placement->second.Recovered();
  if (!recovery.managed) return recovery;
  const std::set<std::string> allowed =
      placement->second.only_on.value_or(cluster);
  for (const std::string& node : allowed) {
    if (node != guest.node && guest.targets.count(node) == 0) {
      recovery.nodes_without_replica.insert(node);
    }
  }
  return recovery;
}

}  // namespace

std::optional<GuestHaRecovery> AnalyzeGuestHa(const ClusterView& view,
                                              std::uint64_t guest) {
  const auto guests = ReplicatedGuests(view);
  const auto found = guests.find(guest);
  if (found == guests.end()) return std::nullopt;
  return Analyze(view, ClusterNodes(view), guest, found->second);
}

void RenderGuestHa(const ClusterView& view, MetricSet& out) {
  const std::set<std::string> cluster = ClusterNodes(view);
  for (const auto& [vmid, guest] : ReplicatedGuests(view)) {
    const auto recovery = Analyze(view, cluster, vmid, guest);
    if (!recovery) continue;
    const LabelList labels = {{"pve_cluster", view.cluster()},
                              {"guest", std::to_string(vmid)}};
    out.Gauge("replwatch_guest_ha_managed",
              "1 if HA recovers the replicated guest on another node when "
              "its node fails (resources.cfg state started or stopped); 0 "
              "if it is no HA resource, or disabled or ignored.",
              labels, recovery->managed ? 1 : 0);
    for (const std::string& node : recovery->nodes_without_replica) {
      out.Gauge("replwatch_guest_ha_node_without_replica",
                "1 for each node HA may recover the guest onto that none of "
                "its replication jobs copies its disks to: started there, "
                "it finds no disks.",
                With(labels, "node", node), 1);
    }
  }
}

}  // namespace replwatch

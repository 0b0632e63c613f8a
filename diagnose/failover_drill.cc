#include "diagnose/failover_drill.h"

#include "analysis/guest_failover.h"
#include "analysis/guest_ha.h"
#include "collectors/pools.h"
#include "collectors/pve_volume_names.h"
#include "collectors/unreplicated_disks.h"
#include "diagnose/human_units.h"

namespace replwatch::diagnose {
namespace {

// One requirement of a failover: OK unless one of `blockers` is present.
Check Requirement(const FailoverReadiness& readiness, const std::string& name,
                  std::initializer_list<FailoverBlocker> blockers,
                  const std::string& failing, const std::string& passing) {
  for (const FailoverBlocker blocker : blockers) {
    if (readiness.blockers.count(blocker) != 0) {
      return {name, Severity::kCritical,
              std::string(BlockerLabel(blocker)) + ": " + failing};
    }
  }
  return {name, Severity::kOk, passing};
}

// Whether the guest's config has disks its replication leaves behind; no
// check while the source's facts are not known.
void CheckEveryDiskReplicated(const ClusterView& view,
                              const std::string& source, std::uint64_t guest,
                              FailoverDrill* drill) {
  const auto* facts = view.Find<UnreplicatedDisksFacts>(source);
  if (facts == nullptr) return;
  const auto found = facts->guests.find(guest);
  if (found == facts->guests.end()) return;
  if (found->second.left_behind.empty()) {
    drill->checks.push_back(
        {"every disk replicated", Severity::kOk,
         "the config on " + source + " has no disk replication leaves out"});
    return;
  }
  std::string left;
  for (const UnreplicatedDisk& disk : found->second.left_behind) {
    left += (left.empty() ? "" : ", ") + disk.key + " " + disk.volume + " (" +
            std::string(LeftBehindLabel(disk.reason)) + ")";
  }
  drill->checks.push_back({"every disk replicated", Severity::kWarning,
                           "a failover starts the guest without " + left});
}

// Where HA would start the guest when its node fails; no check while HA's
// configuration is not known or the guest is not HA-managed.
void CheckHaRecovery(const ClusterView& view, std::uint64_t guest,
                     FailoverDrill* drill) {
  const auto recovery = AnalyzeGuestHa(view, guest);
  if (!recovery || !recovery->managed) return;
  if (recovery->nodes_without_replica.empty()) {
    drill->checks.push_back({"HA recovery node", Severity::kOk,
                             "HA-managed: its rules allow only nodes that "
                             "hold its replicas"});
    return;
  }
  std::string nodes;
  for (const std::string& node : recovery->nodes_without_replica) {
    nodes += (nodes.empty() ? "" : ", ") + node;
  }
  drill->checks.push_back(
      {"HA recovery node", Severity::kWarning,
       "HA-managed: it may recover the guest onto " + nodes +
           ", where no job replicates its disks (make its node-affinity "
           "rule strict to its replicas' nodes)"});
}

}  // namespace

FailoverDrill DrillFailover(const ClusterView& view, const std::string& source,
                            const JobFacts& job,
                            const std::vector<std::string>& volumes) {
  FailoverDrill drill;
  drill.cluster = view.cluster();
  drill.guest = std::to_string(job.state.guest);
  drill.job_id = job.state.id;
  drill.source = source;
  drill.target = job.state.target;
  const VolumeChainInputs inputs = ChainInputsFor(view, source, job);
  const FailoverReadiness readiness = AnalyzeFailover(
      view, job, volumes, inputs, AnalyzeChains(inputs, volumes));
  drill.ready = readiness.ready();
  const std::string& target = drill.target;

  // The guide's first rule: never two copies writing. The guest runs where
  // its job is listed; only a reachable source shows it is still there.
  const auto since = view.UnreachableSince(source);
  if (since || view.Find<JobsFacts>(source) == nullptr) {
    drill.checks.push_back(
        {"guest " + drill.guest + " stopped on " + source, Severity::kWarning,
         source + " unreachable" +
             (since ? " since " + HumanTime(*since) : std::string()) +
             ": make sure it is fenced or powered off before starting the "
             "guest on " +
             target + " (two running copies corrupt its data)"});
  } else {
    drill.checks.push_back(
        {"guest " + drill.guest + " not running on " + target, Severity::kOk,
         "it runs on " + source +
             ", which is reachable: a failover starts it "
             "on " +
             target + " only once " + source + " is down"});
  }
  if (readiness.blockers.count(FailoverBlocker::kTargetUnknown) != 0) {
    drill.checks.push_back(
        {"facts of " + target, Severity::kUnknown,
         "not current (node down or a collector failing): nothing can be "
         "judged there"});
  } else {
    drill.checks.push_back(Requirement(
        readiness, "replica of every disk on " + target,
        {FailoverBlocker::kNoReplica, FailoverBlocker::kReplicaMismatch},
        "a disk has no replica, or one of another type or size",
        std::to_string(volumes.size()) + " of " +
            std::to_string(volumes.size()) +
            " present, type and size as "
            "the source's"));
    drill.checks.push_back(Requirement(
        readiness, "a replication snapshot to start from",
        {FailoverBlocker::kNoReplicationSnapshot,
         FailoverBlocker::kNoCommonSnapshot},
        "a replica holds none of the job's snapshots, or none the source "
        "has",
        "every replica holds one"));
    drill.checks.push_back(Requirement(
        readiness, "no interrupted receive", {FailoverBlocker::kPartialReceive},
        "a replica carries a resume token: it looks present but is "
        "incomplete",
        "no resume token"));
    drill.checks.push_back(Requirement(
        readiness, "encryption keys loaded", {FailoverBlocker::kKeyUnavailable},
        "an encrypted replica's key is not loaded on " + target,
        "loaded, or not encrypted"));
    std::string space = "healthy";
    const auto* pools = view.Find<PoolsFacts>(target);
    const PoolInfo* pool =
        pools && !volumes.empty()
            ? pools->Find(std::string(PoolOfDataset(volumes.front())))
            : nullptr;
    if (pool != nullptr && pool->capacity_ratio) {
      space += ", " +
               std::to_string(static_cast<int>(*pool->capacity_ratio * 100)) +
               "% full";
    }
    drill.checks.push_back(
        Requirement(readiness, "target pool", {FailoverBlocker::kPoolUnhealthy},
                    "unhealthy or unknown on " + target, space));
  }
  CheckEveryDiskReplicated(view, source, job.state.guest, &drill);
  CheckHaRecovery(view, job.state.guest, &drill);
  if (readiness.restore_point) {
    const double loss =
        view.now() - static_cast<double>(*readiness.restore_point);
    drill.data_loss_seconds = loss;
    const double allowed =
        AllowedDataLossSeconds(job.schedule_interval_seconds);
    drill.checks.push_back(
        {"data a failover would lose",
         loss > allowed && job.schedule_interval_seconds > 0
             ? Severity::kWarning
             : Severity::kOk,
         HumanDuration(loss) + ": the replicas are of " +
             HumanTime(static_cast<double>(*readiness.restore_point))});
  }
  for (const std::string& volume : volumes) {
    drill.commands.push_back("on " + target +
                             ": zfs list -t snapshot -o name,guid,creation "
                             "-s creation " +
                             volume);
    drill.commands.push_back("on " + target +
                             ": zfs get -H -o property,value "
                             "type,volsize,receive_resume_token,keystatus " +
                             volume);
  }
  if (!volumes.empty()) {
    drill.commands.push_back("on " + target + ": zpool status -x " +
                             std::string(PoolOfDataset(volumes.front())));
  }
  const std::string tool = job.state.vmtype == "lxc" ? "pct" : "qm";
  drill.commands.push_back("on " + source + " (if it answers): " + tool +
                           " status " + drill.guest);
  drill.severity = Severity::kOk;
  for (const Check& check : drill.checks) {
    drill.severity = Worst(drill.severity, check.severity);
  }
  return drill;
}

}  // namespace replwatch::diagnose

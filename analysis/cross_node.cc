#include "analysis/cross_node.h"

#include <set>

#include "analysis/cluster_analysis.h"
#include "analysis/guest_failover.h"
#include "analysis/guest_ha.h"
#include "analysis/link_mtu.h"
#include "analysis/pool_contention.h"
#include "collectors/datasets.h"
#include "collectors/jobs.h"
#include "collectors/pools.h"
#include "collectors/pve_volume_names.h"

namespace replwatch {
namespace {

// What the next run must ship against what the target can take.
void RenderJobHeadroom(const LabelList& labels, const JobHeadroom& headroom,
                       MetricSet& out) {
  out.Gauge("replwatch_job_pending_bytes",
            "Bytes the next run must ship: written since the last snapshot on "
            "volumes the target holds, all used bytes of those it lacks (a "
            "full sync).",
            labels, static_cast<double>(headroom.pending_bytes));
  out.Gauge("replwatch_job_target_headroom_bytes",
            "Smallest space available to the job's volumes on the target "
            "(zfs available: quotas, reservations and slop already applied).",
            labels, static_cast<double>(headroom.headroom_bytes));
}

// What a failover to the target would restore, from the target's own
// snapshots: current even while the source is down. A down source's jobs
// (its last job list) also say since when they are unknown.
void RenderRestorePoint(const ClusterView& view, const std::string& source,
                        std::optional<std::int64_t> restore_point,
                        const LabelList& labels, MetricSet& out) {
  if (const auto since = view.UnreachableSince(source)) {
    out.Gauge("replwatch_job_source_unreachable_since_timestamp_seconds",
              "While the job's source node is unreachable: when its job "
              "list was last read (the job is kept from that list).",
              labels, *since);
  }
  if (restore_point) {
    out.Gauge("replwatch_job_replica_restore_point_timestamp_seconds",
              "Creation time of the newest replication snapshot that every "
              "volume of the job holds on the target: what a failover there "
              "would restore.",
              labels, static_cast<double>(*restore_point));
  }
}

void RenderPath(const std::string& source_node, const std::string& target_node,
                const ClusterView& view, const std::set<std::string>& pools,
                MetricSet& out) {
  const LabelList labels = {{"pve_cluster", view.cluster()},
                            {"source", source_node},
                            {"target", target_node}};
  if (const auto mismatch =
          LinkMtuOf(view, source_node, target_node).Mismatch()) {
    out.Gauge("replwatch_link_mtu_mismatch",
              "1 if the replication interfaces of source and target have "
              "different MTUs.",
              labels, *mismatch ? 1 : 0);
  }
  const auto* source_pools = view.Find<PoolsFacts>(source_node);
  const auto* target_pools = view.Find<PoolsFacts>(target_node);
  if (source_pools == nullptr || target_pools == nullptr) return;
  for (const auto& pool_name : pools) {
    const PoolInfo* source_pool = source_pools->Find(pool_name);
    const PoolInfo* target_pool = target_pools->Find(pool_name);
    if (source_pool == nullptr || target_pool == nullptr) continue;
    for (const auto& [feature, state] : source_pool->features) {
      if (state != parsers::FeatureState::kActive) continue;
      const auto it = target_pool->features.find(feature);
      const bool usable = it != target_pool->features.end() &&
                          (it->second == parsers::FeatureState::kEnabled ||
                           it->second == parsers::FeatureState::kActive);
      LabelList with_feature = labels;
      with_feature.emplace_back("pool", pool_name);
      with_feature.emplace_back("feature", feature);
      out.Gauge("replwatch_link_feature_mismatch",
                "1 if a ZFS feature active on the source pool is not enabled "
                "on the target pool (receives of such streams fail).",
                with_feature, usable ? 0 : 1);
    }
  }
}

}  // namespace

void RenderCrossNode(const ClusterAnalysis& analysis, MetricSet& out) {
  const ClusterView& view = analysis.view;
  std::set<std::pair<std::string, std::string>> paths;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> pools;
  for (const JobAnalysis& job : analysis.jobs) {
    const std::string& target = job.job->state.target;
    const LabelList labels =
        JobLabels({{"pve_cluster", view.cluster()}}, *job.job);
    for (std::size_t i = 0; i < job.volumes.size(); ++i) {
      RenderVolumeChain(job.chains[i], job.volumes[i], labels, out);
      pools[{job.source, target}].emplace(PoolOfDataset(job.volumes[i]));
    }
    if (job.headroom) RenderJobHeadroom(labels, *job.headroom, out);
    RenderRestorePoint(view, job.source, job.readiness.restore_point, labels,
                       out);
    RenderGuestFailover(view, *job.job, job.readiness, labels, out);
    paths.insert({job.source, target});
  }
  for (const auto& [source, target] : paths) {
    RenderPath(source, target, view, pools[{source, target}], out);
  }
  RenderPoolContention(view, analysis.volumes_of_node, out);
  RenderGuestHa(view, out);
}

}  // namespace replwatch

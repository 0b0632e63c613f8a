#include "analysis/cross_node.h"

#include "analysis/cluster_analysis.h"
#include "analysis/guest_failover.h"
#include "analysis/guest_ha.h"
#include "analysis/pool_contention.h"
#include "collectors/jobs.h"

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

void RenderPath(const std::string& cluster, const std::string& source_node,
                const std::string& target_node, const PathAnalysis& path,
                MetricSet& out) {
  const LabelList labels = {{"pve_cluster", cluster},
                            {"source", source_node},
                            {"target", target_node}};
  if (const auto mismatch = path.mtu.Mismatch()) {
    out.Gauge("replwatch_link_mtu_mismatch",
              "1 if the replication interfaces of source and target have "
              "different MTUs.",
              labels, *mismatch ? 1 : 0);
  }
  for (const FeatureOnPath& feature : path.features) {
    LabelList with_feature = labels;
    with_feature.emplace_back("pool", feature.pool);
    with_feature.emplace_back("feature", feature.feature);
    out.Gauge("replwatch_link_feature_mismatch",
              "1 if a ZFS feature active on the source pool is not enabled "
              "on the target pool (receives of such streams fail).",
              with_feature, feature.usable ? 0 : 1);
  }
}

}  // namespace

void RenderCrossNode(const ClusterAnalysis& analysis, MetricSet& out) {
  const ClusterView& view = analysis.view;
  for (const JobAnalysis& job : analysis.jobs) {
    const LabelList labels =
        JobLabels({{"pve_cluster", view.cluster()}}, *job.job);
    for (std::size_t i = 0; i < job.volumes.size(); ++i) {
      RenderVolumeChain(job.chains[i], job.volumes[i], labels, out);
    }
    if (job.headroom) RenderJobHeadroom(labels, *job.headroom, out);
    RenderRestorePoint(view, job.source, job.readiness.restore_point, labels,
                       out);
    RenderGuestFailover(view, *job.job, job.readiness, labels, out);
  }
  for (const auto& [ends, path] : analysis.paths) {
    RenderPath(view.cluster(), ends.first, ends.second, path, out);
  }
  RenderPoolContention(view, analysis.volumes_of_node, out);
  RenderGuestHa(view, out);
}

}  // namespace replwatch

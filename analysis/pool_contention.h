#pragma once

#include <map>
#include <string>
#include <utility>

#include "analysis/cluster_view.h"
#include "analysis/volume_chain.h"
#include "exposition/metric_set.h"

namespace replwatch {

/// What replication on one pool of one node meets: in the next 7 days
/// (expected from the schedules) and now.
struct PoolContention {
  /// Seconds replication runs are expected to send from or receive into
  /// the pool: every job's schedule events, each lasting the job's last
  /// run (at least 1 s).
  double replication_seconds = 0;
  /// Of those, the seconds inside a backup of a guest on the pool / a
  /// scrub of the pool.
  double backup_overlap_seconds = 0;
  double scrub_overlap_seconds = 0;
  /// Jobs syncing now that send from or receive into the pool.
  int jobs_syncing = 0;
};

/// The window the schedules are read over.
inline constexpr double kContentionHorizonSeconds = 7 * 86400;
/// The length of a backup until the node's task list shows a finished
/// one, and of a scrub until the pool's status shows one (finished, or
/// running far enough to project): assumptions, stated in docs/metrics.md.
inline constexpr double kAssumedBackupSeconds = 3600;
inline constexpr double kAssumedScrubSeconds = 3600;

/// Per (node, pool), for nodes whose jobs and contention facts are current.
/// A guest's backup reads the pools holding its volumes on the node it
/// runs on; Debian's cron scrub covers every ONLINE pool, a timer its own.
std::map<std::pair<std::string, std::string>, PoolContention>
AnalyzePoolContention(const ClusterView& view,
                      const std::map<std::string, JobVolumeIndex>& volumes);

/// replwatch_schedule_*_seconds, replwatch_pool_jobs_syncing and
/// replwatch_node_jobs_syncing.
void RenderPoolContention(const ClusterView& view,
                          const std::map<std::string, JobVolumeIndex>& volumes,
                          MetricSet& out);

}  // namespace replwatch

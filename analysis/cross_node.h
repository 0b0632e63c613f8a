#pragma once

#include "analysis/cluster_analysis.h"
#include "exposition/metric_set.h"

namespace replwatch {

/// Renders `analysis`: what only two nodes together can tell, for every job
/// of the cluster (source facts vs target facts):
/// - per volume: snapshots in common by GUID, the base the next run needs,
///   divergence, type and size mismatches (replwatch_volume_*);
/// - per job: bytes pending on the source vs usable headroom on the target;
/// - per path: MTU mismatch and ZFS features active on the source but
///   disabled on the target.
/// Series whose inputs are missing (node down, collector failed) are left
/// out rather than guessed.
void RenderCrossNode(const ClusterAnalysis& analysis, MetricSet& out);

}  // namespace replwatch

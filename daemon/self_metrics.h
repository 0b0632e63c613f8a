#pragma once

#include <vector>

#include "exposition/metric_set.h"

namespace replwatch {

struct NodeStatus;
struct ReloadStatus;
struct ShardStatus;

/// replwatch's own health: build, config reloads, its shard of the fleet,
/// node reachability, host keys and per-collector success, duration and
/// last success.
void RenderSelfMetrics(const std::vector<NodeStatus>& nodes,
                       const ReloadStatus& reload, const ShardStatus& shard,
                       MetricSet& out);

}  // namespace replwatch

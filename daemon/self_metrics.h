#pragma once

#include <vector>

#include "collectors/metric_set.h"

namespace replwatch {

struct NodeStatus;
struct ReloadStatus;

/// replwatch's own health: build, config reloads, node reachability,
/// host keys and per-collector success, duration and last success.
void RenderSelfMetrics(const std::vector<NodeStatus>& nodes,
                       const ReloadStatus& reload, MetricSet& out);

}  // namespace replwatch

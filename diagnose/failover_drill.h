#pragma once

#include <string>
#include <vector>

#include "analysis/cluster_view.h"
#include "collectors/jobs.h"
#include "diagnose/diagnosis.h"

namespace replwatch::diagnose {

/// The failover drill of `job`'s guest to `job`'s target over `volumes`,
/// from the same analysis as replwatch_guest_failover_* (AnalyzeFailover).
/// `source` is the node whose job list holds the job.
FailoverDrill DrillFailover(const ClusterView& view, const std::string& source,
                            const JobFacts& job,
                            const std::vector<std::string>& volumes);

}  // namespace replwatch::diagnose

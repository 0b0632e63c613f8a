#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cluster_view.h"
#include "analysis/guest_failover.h"
#include "analysis/job_headroom.h"
#include "analysis/volume_chain.h"
#include "collectors/job_volume_index.h"
#include "collectors/jobs.h"

namespace replwatch {

/// One job with both of its ends joined.
struct JobAnalysis {
  std::string source;               // the node whose job list holds the job
  const JobsFacts* list = nullptr;  // that list
  const JobFacts* job = nullptr;
  VolumeChainInputs inputs;
  std::vector<std::string> volumes;  // sorted
  std::vector<ChainState> chains;    // AnalyzeChain of each of `volumes`
  /// ComputeJobHeadroom; nullopt while either end's datasets are unknown.
  std::optional<JobHeadroom> headroom;
  FailoverReadiness readiness;
};

/// The cluster analysis of one cluster's current facts: what /metrics
/// (RenderCrossNode), diagnose and the status page render. Its pointers
/// point into the facts `view` holds, so it stays valid as long as it
/// lives, copied or moved.
struct ClusterAnalysis {
  ClusterView view;
  /// Each node's job -> volumes index (IndexJobVolumes).
  std::map<std::string, JobVolumeIndex> volumes_of_node;
  /// Every job of every node's job list (an unreachable node's from its
  /// last list), in the order of the view's nodes and their lists.
  std::vector<JobAnalysis> jobs;
};

ClusterAnalysis AnalyzeCluster(ClusterView view);

}  // namespace replwatch

#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/cluster_view.h"
#include "analysis/guest_failover.h"
#include "analysis/job_headroom.h"
#include "analysis/link_mtu.h"
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

/// A ZFS feature active on a source pool, and whether the target's pool of
/// the same name can receive it (enabled or active there).
struct FeatureOnPath {
  std::string pool;
  std::string feature;
  bool usable = false;
};

/// A replication path (source -> target) that at least one job uses.
struct PathAnalysis {
  LinkMtu mtu;  // LinkMtuOf
  /// Every feature active on a source pool the path's volumes are in,
  /// when both ends' pool facts are current.
  std::vector<FeatureOnPath> features;
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
  /// The paths of `jobs`, by (source, target).
  std::map<std::pair<std::string, std::string>, PathAnalysis> paths;
};

ClusterAnalysis AnalyzeCluster(ClusterView view);

}  // namespace replwatch

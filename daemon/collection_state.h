#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/cluster_analysis.h"
#include "collectors/collector.h"
#include "config/config.h"
#include "daemon/node_worker.h"

namespace replwatch {

/// The latest complete result of one collector on one node.
struct CollectorStatus {
  std::string name;
  bool ran = false;
  bool success = false;
  double duration_seconds = 0;
  CommandCost cost_total;           // every run's, since the daemon started
  double last_success_seconds = 0;  // epoch; 0 = never
  std::string last_error;
  std::shared_ptr<const Facts> facts;        // null after a failure
  std::vector<std::string> logged_warnings;  // as last logged
};

/// What replwatch knows about one node.
struct NodeStatus {
  NodeConfig config;
  bool attempted = false;
  bool up = false;
  bool host_key_changed = false;
  bool host_key_unknown = false;
  /// Why the last connection attempt failed, while the node is down.
  std::optional<TransportFailure> down_because;
  /// The jobs collector's last successful facts and when they were read:
  /// while the node is down, its jobs stay known from them (ClusterView).
  std::shared_ptr<const Facts> last_known_jobs;
  double last_known_jobs_seconds = 0;
  std::string last_error;
  std::vector<CollectorStatus> collectors;
};

/// Config reload bookkeeping for the self-metrics.
struct ReloadStatus {
  bool last_successful = false;
  double last_success_seconds = 0;
};

/// This instance's slice of the fleet, for the self-metrics.
struct ShardStatus {
  ShardSpec shard;
  std::size_t configured_clusters = 0;  // in the config, before sharding
};

/// All results, owned by the io thread. A scrape renders from here and
/// never waits for a collection; the text is cached until something changes.
class CollectionState {
 public:
  /// Adopts the node list of a new config; keeps the results of nodes whose
  /// config did not change, drops those of removed nodes.
  void SetNodes(const std::vector<std::shared_ptr<NodeWorker>>& workers);
  void Record(const NodeConfig& node, CollectionOutcome outcome);
  void SetReload(ReloadStatus reload);
  void SetShard(ShardStatus shard);

  const std::vector<NodeStatus>& nodes() const { return nodes_; }
  /// The exposition text (cached).
  const std::string& Exposition();
  /// The same text, shared: the HTTP server sends it without a copy and
  /// gzips it once per change (new text always comes in a new string).
  std::shared_ptr<const std::string> SharedExposition();
  /// The cluster analysis (AnalyzeCluster) of every cluster's current
  /// facts, computed again only when what is held changes: /metrics,
  /// diagnose and the status page render this one result.
  std::shared_ptr<const std::vector<ClusterAnalysis>> Analyses() const;
  /// Counts the changes to what is held: equal counts, equal facts.
  std::uint64_t changes() const { return changes_; }

 private:
  /// Every cluster's current facts, for checks across nodes.
  std::vector<ClusterView> ClusterViews() const;
  void MarkChanged() { ++changes_; }
  void RenderClusters(MetricSet& set) const;
  void LogDroppedSamples(
      const std::array<std::size_t, MetricSet::kDropReasons>& dropped);

  std::vector<NodeStatus> nodes_;
  ReloadStatus reload_;
  ShardStatus shard_;
  std::array<std::size_t, MetricSet::kDropReasons> dropped_{};  // logged
  std::uint64_t changes_ = 0;
  // The cached exposition and analyses, each of the count of changes
  // beside it.
  std::shared_ptr<const std::string> exposition_;
  std::uint64_t exposition_changes_ = 0;
  mutable std::shared_ptr<const std::vector<ClusterAnalysis>> analyses_;
  mutable std::uint64_t analyses_changes_ = 0;
};

}  // namespace replwatch

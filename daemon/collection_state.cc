#include "daemon/collection_state.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "analysis/cluster_view.h"
#include "analysis/cross_node.h"
#include "collectors/jobs.h"
#include "daemon/self_metrics.h"
#include "text/text_scan.h"

namespace replwatch {
namespace {

constexpr std::size_t kMaxLoggedWarningLength = 300;

double Seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// The IDs of the jobs that reachable nodes list now, per cluster.
std::map<std::string, std::set<std::string>> JobsListedNow(
    const std::vector<NodeStatus>& nodes) {
  std::map<std::string, std::set<std::string>> listed;
  for (const auto& node : nodes) {
    if (!node.up) continue;
    for (const auto& collector : node.collectors) {
      const auto* jobs = dynamic_cast<const JobsFacts*>(collector.facts.get());
      if (jobs == nullptr) continue;
      for (const JobFacts& job : jobs->jobs) {
        listed[node.config.cluster].insert(job.state.id);
      }
    }
  }
  return listed;
}

// A down node's last job list, without the jobs another node lists now: HA
// recovered their guest there (PVE lists a job only on its guest's node), so
// the down node's list no longer speaks for them.
std::shared_ptr<const Facts> KeptJobs(std::shared_ptr<const Facts> last_known,
                                      const std::set<std::string>& listed) {
  const auto* jobs = dynamic_cast<const JobsFacts*>(last_known.get());
  if (jobs == nullptr) return last_known;
  const auto moved = [&](const JobFacts& job) {
    return listed.count(job.state.id) > 0;
  };
  if (std::none_of(jobs->jobs.begin(), jobs->jobs.end(), moved)) {
    return last_known;
  }
  auto kept = std::make_shared<JobsFacts>(*jobs);
  kept->jobs.erase(std::remove_if(kept->jobs.begin(), kept->jobs.end(), moved),
                   kept->jobs.end());
  return kept;
}

// Logs what changed, not every failed run: a node that stays refused would
// otherwise repeat a warning per collector per interval. The metrics and the
// status page carry the current state.
void LogChange(const NodeStatus& node, const CollectorStatus& collector,
               const CollectionOutcome& outcome) {
  const NodeConfig& config = node.config;
  if (!outcome.node_reachable) {
    // Again when a down node fails another way: refused while sshd restarts,
    // then a changed host key.
    if (node.up || !node.attempted ||
        (!outcome.backing_off && node.down_because != outcome.failure)) {
      spdlog::warn("node {}/{} is DOWN: {}", config.cluster, config.name,
                   outcome.error);
    }
    return;
  }
  if (!node.up && !outcome.node_untouched) {
    spdlog::info("node {}/{} is up", config.cluster, config.name);
  }
  const bool failed_before = collector.ran && !collector.success;
  if (outcome.success) {
    if (failed_before && node.up) {  // "is up" covers those of an outage
      spdlog::info("node {}/{} collector {} recovered", config.cluster,
                   config.name, collector.name);
    }
  } else if (!failed_before || collector.last_error != outcome.error) {
    spdlog::warn("node {}/{} collector {} failed: {}", config.cluster,
                 config.name, collector.name, outcome.error);
  } else {
    spdlog::debug("node {}/{} collector {} still failing: {}", config.cluster,
                  config.name, collector.name, outcome.error);
  }
}

// A collector's warnings are logged when they appear or change; the same
// ones every cycle only at debug (replwatch_collector_warnings counts them).
void LogWarnings(const NodeConfig& config, const Facts& facts,
                 CollectorStatus* collector) {
  std::vector<std::string> now;
  for (const auto& warning : facts.warnings) {
    now.push_back(text::Printable(warning.message, kMaxLoggedWarningLength));
  }
  const std::size_t unlisted = facts.warnings.total() - now.size();
  if (unlisted > 0) {
    now.push_back("and " + std::to_string(unlisted) + " more warnings");
  }
  for (const std::string& message : now) {
    const bool seen = std::find(collector->logged_warnings.begin(),
                                collector->logged_warnings.end(),
                                message) != collector->logged_warnings.end();
    if (seen) {
      spdlog::debug("node {}/{} collector {}: {}", config.cluster, config.name,
                    collector->name, message);
    } else {
      spdlog::warn("node {}/{} collector {}: {}", config.cluster, config.name,
                   collector->name, message);
    }
  }
  collector->logged_warnings = std::move(now);
}

}  // namespace

void CollectionState::SetNodes(
    const std::vector<std::shared_ptr<NodeWorker>>& workers) {
  std::vector<NodeStatus> next;
  for (const auto& worker : workers) {
    NodeStatus status;
    status.config = worker->config();
    for (const auto& old : nodes_) {
      if (old.config == status.config) status = old;
    }
    if (status.collectors.empty()) {
      for (std::size_t i = 0; i < worker->collector_count(); ++i) {
        CollectorStatus collector;
        collector.name = std::string(worker->collector_name(i));
        status.collectors.push_back(std::move(collector));
      }
    }
    next.push_back(std::move(status));
  }
  nodes_ = std::move(next);
  MarkChanged();
}

void CollectionState::Record(const NodeConfig& node,
                             CollectionOutcome outcome) {
  // A run cut short by shutdown or a reload says nothing about the node: a
  // cancelled connect is not "up", a cancelled command not a failure.
  if (outcome.failure == TransportFailure::kCancelled) return;
  for (auto& status : nodes_) {
    if (status.config != node) continue;  // removed meanwhile: dropped
    CollectorStatus& collector = status.collectors.at(outcome.collector_index);
    LogChange(status, collector, outcome);
    collector.ran = true;
    collector.success = outcome.success;
    collector.duration_seconds = outcome.duration_seconds;
    collector.cost_total.commands += outcome.cost.commands;
    collector.cost_total.output_bytes += outcome.cost.output_bytes;
    collector.facts = std::move(outcome.facts);
    if (collector.facts) LogWarnings(node, *collector.facts, &collector);
    if (outcome.success) {
      collector.last_success_seconds = Seconds(outcome.finished);
      collector.last_error.clear();
      if (collector.name == JobsFacts::kCollector) {
        status.last_known_jobs = collector.facts;
        status.last_known_jobs_seconds = collector.last_success_seconds;
      }
    } else {
      collector.last_error = outcome.error;
    }
    MarkChanged();
    if (outcome.node_untouched) return;
    status.attempted = true;
    status.up = outcome.node_reachable;
    if (outcome.node_reachable) {
      status.down_because.reset();
      status.host_key_changed = false;
      status.host_key_unknown = false;
      status.last_error = outcome.success ? "" : outcome.error;
    } else {
      status.last_error = outcome.error;
      if (!outcome.backing_off) status.down_because = outcome.failure;
      // While backing off the failure reads "unreachable"; keep the cause.
      if (outcome.failure == TransportFailure::kHostKeyChanged) {
        status.host_key_changed = true;
      } else if (outcome.failure == TransportFailure::kHostKeyUnknown) {
        status.host_key_unknown = true;
      }
    }
    MarkChanged();
    return;
  }
}

std::vector<ClusterView> CollectionState::ClusterViews() const {
  const double now = SystemClockSeconds();
  auto listed = JobsListedNow(nodes_);
  std::vector<ClusterView> views;
  for (const auto& node : nodes_) {
    auto view = std::find_if(views.begin(), views.end(), [&](const auto& v) {
      return v.cluster() == node.config.cluster;
    });
    if (view == views.end())
      view = views.insert(views.end(), ClusterView(node.config.cluster, now));
    for (const auto& collector : node.collectors) {
      view->Add(node.config.name, collector.name, collector.facts);
    }
    if (node.attempted && !node.up && node.last_known_jobs) {
      view->Add(node.config.name, JobsFacts::kCollector,
                KeptJobs(node.last_known_jobs, listed[node.config.cluster]));
      view->MarkUnreachable(node.config.name, node.last_known_jobs_seconds);
    }
  }
  return views;
}

std::shared_ptr<const std::vector<ClusterAnalysis>> CollectionState::Analyses()
    const {
  if (analyses_ && analyses_changes_ == changes_) return analyses_;
  auto analyses = std::make_shared<std::vector<ClusterAnalysis>>();
  for (ClusterView& view : ClusterViews()) {
    const std::string cluster = view.cluster();
    try {
      analyses->push_back(AnalyzeCluster(std::move(view)));
    } catch (const std::exception& e) {
      // Facts that break a rule must not take the other clusters along.
      spdlog::error("the cluster analysis of {} failed: {}", cluster, e.what());
    }
  }
  analyses_ = std::move(analyses);
  analyses_changes_ = changes_;
  return analyses_;
}

void CollectionState::RenderClusters(MetricSet& set) const {
  const auto analyses = Analyses();
  for (const ClusterAnalysis& analysis : *analyses) {
    try {
      RenderCrossNode(analysis, set);
    } catch (const std::exception& e) {
      spdlog::error("rendering the cluster analysis of {} failed: {}",
                    analysis.view.cluster(), e.what());
    }
  }
}

void CollectionState::SetReload(ReloadStatus reload) {
  reload_ = reload;
  MarkChanged();
}

void CollectionState::LogDroppedSamples(
    const std::array<std::size_t, MetricSet::kDropReasons>& dropped) {
  if (dropped == dropped_) return;
  dropped_ = dropped;
  std::size_t total = 0;
  for (const std::size_t n : dropped) total += n;
  if (total == 0) return;
  spdlog::warn(
      "{} samples left out of the exposition because Prometheus would refuse "
      "the scrape for them; replwatch_exposition_dropped_samples says why",
      total);
}

void CollectionState::SetShard(ShardStatus shard) {
  shard_ = shard;
  MarkChanged();
}

const std::string& CollectionState::Exposition() { return *SharedExposition(); }

std::shared_ptr<const std::string> CollectionState::SharedExposition() {
  if (exposition_ && exposition_changes_ == changes_) return exposition_;
  MetricSet set;
  RenderSelfMetrics(nodes_, reload_, shard_, set);
  for (const auto& node : nodes_) {
    const LabelList labels = {{"pve_cluster", node.config.cluster},
                              {"node", node.config.name}};
    for (const auto& collector : node.collectors) {
      if (!collector.facts) continue;
      try {
        collector.facts->Render(labels, set);
      } catch (const std::exception& e) {
        spdlog::error("rendering {} of {}/{} failed: {}", collector.name,
                      node.config.cluster, node.config.name, e.what());
      }
    }
  }
  RenderClusters(set);
  exposition_ = std::make_shared<const std::string>(set.Serialize());
  LogDroppedSamples(set.dropped());
  exposition_changes_ = changes_;
  return exposition_;
}

}  // namespace replwatch

#include "analysis/cluster_analysis.h"

#include <set>
#include <utility>

#include "collectors/pools.h"
#include "collectors/pve_volume_names.h"

namespace replwatch {
namespace {

// Each feature active on the source's `pools`, with whether the target's
// pool of the same name can receive it.
std::vector<FeatureOnPath> FeaturesOnPath(const ClusterView& view,
                                          const std::string& source,
                                          const std::string& target,
                                          const std::set<std::string>& pools) {
  std::vector<FeatureOnPath> features;
  const auto* source_pools = view.Find<PoolsFacts>(source);
  const auto* target_pools = view.Find<PoolsFacts>(target);
  if (source_pools == nullptr || target_pools == nullptr) return features;
  for (const auto& pool_name : pools) {
    const PoolInfo* source_pool = source_pools->Find(pool_name);
    const PoolInfo* target_pool = target_pools->Find(pool_name);
    if (source_pool == nullptr || target_pool == nullptr) continue;
    for (const auto& [feature, state] : source_pool->features) {
      if (state != parsers::FeatureState::kActive) continue;
      const auto it = target_pool->features.find(feature);
      const bool usable = it != target_pool->features.end() &&
                          (it->second == parsers::FeatureState::kEnabled ||
                           it->second == parsers::FeatureState::kActive);
      features.push_back({pool_name, feature, usable});
    }
  }
  return features;
}

}  // namespace

ClusterAnalysis AnalyzeCluster(ClusterView view) {
  ClusterAnalysis analysis{std::move(view), {}, {}, {}};
  const ClusterView& facts = analysis.view;
  analysis.volumes_of_node = IndexJobVolumesOfAllNodes(facts);
  for (const auto& node : facts.nodes()) {
    const auto* jobs = facts.Find<JobsFacts>(node);
    if (jobs == nullptr) continue;
    for (const JobFacts& job : jobs->jobs) {
      JobAnalysis out;
      out.source = node;
      out.list = jobs;
      out.job = &job;
      out.inputs = ChainInputsFor(facts, node, job);
      out.volumes = JobVolumes(
          JobVolumesOfNode(analysis.volumes_of_node, node),
          JobVolumesOfNode(analysis.volumes_of_node, job.state.target),
          job.state.id);
      out.chains = AnalyzeChains(out.inputs, out.volumes);
      out.headroom = ComputeJobHeadroom(out.volumes, out.inputs.source_datasets,
                                        out.inputs.target_datasets);
      out.readiness =
          AnalyzeFailover(facts, job, out.volumes, out.inputs, out.chains);
      analysis.jobs.push_back(std::move(out));
    }
  }
  std::map<std::pair<std::string, std::string>, std::set<std::string>> pools;
  for (const JobAnalysis& job : analysis.jobs) {
    auto& path_pools = pools[{job.source, job.job->state.target}];
    for (const auto& volume : job.volumes) {
      path_pools.emplace(PoolOfDataset(volume));
    }
  }
  for (const auto& [path, path_pools] : pools) {
    const auto& [source, target] = path;
    analysis.paths[path] = {LinkMtuOf(facts, source, target),
                            FeaturesOnPath(facts, source, target, path_pools)};
  }
  return analysis;
}

}  // namespace replwatch

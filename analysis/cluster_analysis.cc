#include "analysis/cluster_analysis.h"

#include <utility>

namespace replwatch {

ClusterAnalysis AnalyzeCluster(ClusterView view) {
  ClusterAnalysis analysis{std::move(view), {}, {}};
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
      out.volumes =
          JobVolumes(analysis.volumes_of_node[node],
                     analysis.volumes_of_node[job.state.target], job.state.id);
      out.chains = AnalyzeChains(out.inputs, out.volumes);
      out.headroom = ComputeJobHeadroom(out.volumes, out.inputs.source_datasets,
                                        out.inputs.target_datasets);
      out.readiness =
          AnalyzeFailover(facts, job, out.volumes, out.inputs, out.chains);
      analysis.jobs.push_back(std::move(out));
    }
  }
  return analysis;
}

}  // namespace replwatch

#include "diagnose/unreachable_source.h"

#include <set>

#include "analysis/volume_chain.h"
#include "collectors/jobs.h"
#include "collectors/snapshots.h"
#include "diagnose/human_units.h"

namespace replwatch::diagnose {
namespace {

// Per volume: what a failover to the target would restore.
void JudgeVolumes(const ClusterView& view, const JobVolumeIndex& target_index,
                  JobDiagnosis& job) {
  const auto* snapshots = view.Find<SnapshotsFacts>(job.target);
  const auto volumes = target_index.find(job.job_id);
  if (snapshots == nullptr || volumes == target_index.end()) {
    VolumeVerdict unknown;
    unknown.volume = "(none known)";
    unknown.summary = "no snapshot facts from " + job.target;
    job.volumes.push_back(std::move(unknown));
    return;
  }
  for (const auto& volume : volumes->second) {
    VolumeVerdict verdict;
    verdict.volume = volume;
    const Snapshot* newest =
        snapshots->LatestReplicationSnapshot(volume, job.job_id);
    if (newest == nullptr) verdict.severity = Severity::kCritical;
    verdict.summary =
        newest == nullptr
            ? "no replication snapshot of the job on " + job.target +
                  ": a failover there cannot start this disk"
            : "a failover to " + job.target + " would restore " + volume + "@" +
                  std::string(newest->name) +
                  (newest->creation == Snapshot::kUnknownCreation
                       ? ""
                       : " (" +
                             HumanTime(static_cast<double>(newest->creation)) +
                             ")");
    if (verdict.severity == Severity::kCritical) {
      job.severity = Severity::kCritical;
    }
    job.volumes.push_back(std::move(verdict));
  }
}

JobDiagnosis Unknown(const ClusterView& view, const std::string& job_id,
                     const std::string& source, const std::string& target,
                     const std::string& why) {
  JobDiagnosis job;
  job.cluster = view.cluster();
  job.job_id = job_id;
  job.guest = job_id.substr(0, job_id.find('-'));
  job.source = source;
  job.target = target;
  job.state = "unknown";
  job.severity = Severity::kUnknown;
  job.prerequisites.push_back({"source " + source, Severity::kUnknown, why});
  return job;
}

}  // namespace

std::vector<JobDiagnosis> DiagnoseUnreachableSources(
    const ClusterView& view,
    const std::map<std::string, JobVolumeIndex>& index_of,
    const std::vector<NodeProblem>& unreachable) {
  std::vector<JobDiagnosis> out;
  std::set<std::string> listed;  // jobs some node's job list explains
  for (const auto& node : view.nodes()) {
    const auto* jobs = view.Find<JobsFacts>(node);
    if (jobs == nullptr) continue;
    const auto since = view.UnreachableSince(node);
    for (const JobFacts& job : jobs->jobs) {
      listed.insert(job.state.id);
      if (!since) continue;
      JobDiagnosis unknown =
          Unknown(view, job.state.id, node, job.state.target,
                  "unreachable; its job list is of " + HumanTime(*since));
      JudgeVolumes(view, JobVolumesOfNode(index_of, job.state.target), unknown);
      out.push_back(std::move(unknown));
    }
  }
  const std::string sources = UnreachableSourcesOf(view, unreachable);
  if (sources.empty()) return out;
  for (const auto& node : view.nodes()) {
    if (view.UnreachableSince(node)) continue;
    for (const auto& [job_id, volumes] : JobVolumesOfNode(index_of, node)) {
      if (!listed.insert(job_id).second) continue;
      JobDiagnosis unknown =
          Unknown(view, job_id, sources, node,
                  "unreachable: " + node +
                      " holds replicas of this job that "
                      "no reachable node's job list explains");
      JudgeVolumes(view, JobVolumesOfNode(index_of, node), unknown);
      out.push_back(std::move(unknown));
    }
  }
  return out;
}

std::string UnreachableSourcesOf(const ClusterView& view,
                                 const std::vector<NodeProblem>& unreachable) {
  std::string sources;
  for (const auto& problem : unreachable) {
    if (problem.cluster != view.cluster()) continue;
    sources += (sources.empty() ? "" : " or ") + problem.node;
  }
  return sources;
}

}  // namespace replwatch::diagnose

#include "diagnose/volume_verdict.h"

#include "analysis/volume_chain.h"
#include "collectors/datasets.h"
#include "collectors/snapshots.h"
#include "diagnose/human_units.h"
#include "diagnose/reseed_plan.h"

namespace replwatch::diagnose {
namespace {

std::string Full(const std::string& volume, const Snapshot* snapshot) {
  return volume + "@" + std::string(snapshot->name);
}

// Plan A: the chain still has a common base; PVE's next run continues it.
void PlanRepair(const ChainState& chain, const JobDiagnosis& job,
                const std::string& volume, VolumeVerdict& out) {
  out.plan = Plan::kRepairChain;
  const std::string base = Full(volume, chain.last_common);
  out.summary = "chain intact: last common snapshot " + base;
  if (chain.newest_source != chain.last_common) {
    out.commands.push_back("# on " + job.source +
                           ": estimate what the next incremental must ship");
    out.commands.push_back("zfs send -nPv -i " + base + " " +
                           Full(volume, chain.newest_source));
  } else {
    out.commands.push_back("# on " + job.source +
                           ": bytes written since the common snapshot");
    out.commands.push_back("zfs get -Hp -o value written " + volume);
  }
  if (chain.diverged) {
    out.summary += "; the replica on " + job.target +
                   " changed on its own since then and PVE's receive (-F) "
                   "will roll those changes back";
  }
  if (chain.target_info && chain.target_info->receive_resume_token) {
    out.summary +=
        "; a partial receive (resume token) is pending on " + job.target;
    // PVE never resumes, and its `zfs recv -F` refuses a dataset holding
    // partial state: the job fails until the state is discarded.
    out.commands.push_back("# on " + job.target +
                           ": discard the partial receive PVE cannot resume");
    out.commands.push_back("zfs receive -A " + volume);
  }
  out.commands.push_back("# on " + job.source +
                         ": once the cause is fixed, let PVE run the job now");
  out.commands.push_back("pvesr schedule-now " + job.job_id);
}

// Plan B: no common base; the replica must be replaced by a full sync.
void PlanReseed(const ClusterView& view, const JobFacts& job_facts,
                const ChainState& chain, const JobDiagnosis& job,
                const std::string& volume, VolumeVerdict& out) {
  out.plan = Plan::kReseed;
  out.severity = Severity::kCritical;
  out.summary = chain.common == 0 && chain.source_info && chain.target_info &&
                        chain.source_info->type != chain.target_info->type
                    ? "the target dataset is a " + chain.target_info->type +
                          ", the source a " + chain.source_info->type
                    : "no common replication snapshot (by GUID): the "
                      "incremental chain is broken";
  // The guest must not live on the target: there its disk is not a replica.
  Check guest{"guest " + job.guest + " is not on " + job.target,
              Severity::kUnknown, "no job facts from " + job.target};
  if (const auto* target_jobs = view.Find<JobsFacts>(job.target)) {
    guest.severity = Severity::kOk;
    guest.detail = "it runs on " + job.source;
    for (const auto& other : target_jobs->jobs) {
      if (other.state.guest == job_facts.state.guest) {
        guest.severity = Severity::kCritical;
        guest.detail = "guest " + job.guest + " is on " + job.target +
                       ": that dataset is a live disk, not a replica";
      }
    }
  }
  out.preconditions.push_back(guest);
  Check room{
      "room for a full copy on " + job.target + " beside the old replica",
      Severity::kUnknown, "no dataset facts"};
  const auto* target_ds = view.Find<DatasetsFacts>(job.target);
  if (chain.source_info && chain.source_info->used_bytes && target_ds) {
    // The old replica is renamed, not destroyed: its space stays in use until
    // the re-seed has succeeded.
    const std::uint64_t free = target_ds->AvailableFor(volume).value_or(0);
    const std::uint64_t need = *chain.source_info->used_bytes;
    room.severity = need <= free ? Severity::kOk : Severity::kCritical;
    room.detail =
        HumanBytes(need) + " needed, " + HumanBytes(free) + " available";
  }
  out.preconditions.push_back(room);
  bool safe = true;
  for (const auto& check : out.preconditions) {
    safe = safe && check.severity == Severity::kOk;
  }
  out.commands = RenderSteps(
      ReseedSteps(job.job_id, job.source, job.target, volume),
      safe ? "" : "DO NOT RUN until every precondition above holds");
}

}  // namespace

VolumeVerdict JudgeVolume(const ClusterView& view, const JobFacts& job,
                          const JobDiagnosis& diagnosis,
                          const std::string& volume, const ChainState& chain) {
  VolumeVerdict out;
  out.volume = volume;
  if (!chain.known) {
    out.severity = Severity::kUnknown;
    out.summary = "no current facts from " + diagnosis.target +
                  " (node down or collectors failing)";
    return out;
  }
  if (!chain.target_exists) {
    out.severity =
        job.state.last_sync == 0 ? Severity::kOk : Severity::kWarning;
    out.summary =
        "not on " + diagnosis.target + " yet: the next run does a full sync";
    return out;
  }
  const std::optional<bool> no_common_base = chain.NoCommonBase();
  if (!no_common_base) {
    out.severity = Severity::kUnknown;
    out.summary = diagnosis.source + " and " + diagnosis.target +
                  " were read on either side of a run of the job: no "
                  "snapshot in common seen, run diagnose again";
    return out;
  }
  const bool type_mismatch = chain.source_info && chain.target_info &&
                             chain.source_info->type != chain.target_info->type;
  if (*no_common_base || type_mismatch) {
    out.alert = type_mismatch ? "ReplwatchReplicaMismatch"
                              : "ReplwatchSnapshotChainBroken";
    PlanReseed(view, job, chain, diagnosis, volume, out);
    return out;
  }
  const bool base_missing = (chain.base_on_source && !*chain.base_on_source) ||
                            (chain.base_on_target && !*chain.base_on_target);
  const bool failing =
      diagnosis.state == "failing" || diagnosis.state == "stale";
  // PVE never resumes: the next run fails on the partial state (its
  // `zfs recv -F` refuses the dataset), so a token is a problem already.
  const bool partial_receive =
      chain.target_info && chain.target_info->receive_resume_token;
  // Behind a stuck job with an intact chain: nothing to repair, the job
  // runs once the stuck one is dealt with.
  if (!diagnosis.blocked_by.empty() && !chain.diverged && !base_missing &&
      !partial_receive) {
    out.severity = Severity::kWarning;
    out.alert = "ReplwatchJobStalled";
    out.summary = "chain intact: last common snapshot " +
                  Full(volume, chain.last_common) + "; waits behind " +
                  diagnosis.blocked_by;
    return out;
  }
  if (chain.diverged || base_missing || failing || partial_receive) {
    out.severity = failing ? Severity::kCritical : Severity::kWarning;
    // A failing run with the chain intact is the job's own alert's.
    out.alert = partial_receive                  ? "ReplwatchResumeTokenStale"
                : chain.diverged || base_missing ? "ReplwatchChainAtRisk"
                                                 : "";
    PlanRepair(chain, diagnosis, volume, out);
    if (base_missing) {
      out.summary += "; the last sync's snapshot is missing on " +
                     std::string(chain.base_on_source && !*chain.base_on_source
                                     ? diagnosis.source
                                     : diagnosis.target) +
                     ", PVE falls back to the newest common one";
    }
    return out;
  }
  out.severity = Severity::kOk;
  out.summary = "healthy: " + std::to_string(chain.common) +
                " common replication snapshot(s), newest " +
                Full(volume, chain.last_common);
  return out;
}

}  // namespace replwatch::diagnose

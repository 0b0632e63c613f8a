#include "collectors/jobs.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "collectors/job_volume_index.h"
#include "collectors/jobs_state.h"
#include "collectors/parsers/replication_log_parser.h"
#include "collectors/per_job_state.h"
#include "collectors/pve_volume_names.h"
#include "collectors/snapshots.h"
#include "text/name_rules.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch {
namespace {

// The error text to classify: the state's, or, when the state has none (a
// failing job whose error text was lost), the one the log's last run ended
// with.
std::string ErrorText(const ReplicationJobState& job,
                      const std::optional<std::string>& log) {
  if (job.error && !job.error->empty()) return *job.error;
  if (!log) return "";
  try {
    const parsers::ReplicationLog run = parsers::ParseReplicationLog(*log);
    if (run.outcome == parsers::ReplicationRunOutcome::kError) return run.error;
  } catch (const text::ParseError&) {
    // Unreadable log (NUL bytes): the state decides alone.
  }
  return "";
}

}  // namespace

JobsCollector::JobsCollector() : JobsCollector(SystemClockSeconds) {}

JobsCollector::JobsCollector(Clock clock) : clock_(std::move(clock)) {}

std::optional<parsers::ClassifiedError> JobsCollector::ClassifyError(
    Transport& transport, const ReplicationJobState& job,
    std::size_t* logs_read) {
  if (!jobs::IsFailing(job)) {
    classified_.erase(job.id);
    return std::nullopt;
  }
  const RunKey run{job.fail_count, job.last_try, job.duration_seconds,
                   job.error};
  const auto cached = classified_.find(job.id);
  if (cached != classified_.end() && cached->second.run == run) {
    return cached->second.error;
  }
  if (*logs_read >= kMaxLogsPerCycle) {
    return parsers::ClassifyReplicationError(ErrorText(job, std::nullopt), "");
  }
  ++*logs_read;
  const std::optional<std::string> log = jobs::ReadJobLog(transport, job.id);
  parsers::ClassifiedError error =
      parsers::ClassifyReplicationError(ErrorText(job, log), log.value_or(""));
  classified_[job.id] = Classified{run, error};
  return error;
}

namespace {

// The age of the replica: since the last sync, or since the job was first
// seen (`first_seen`, by job id) while it never synced.
double RpoSeconds(const ReplicationJobState& job, double now,
                  const std::map<std::string, double>& first_seen) {
  const auto found = first_seen.find(job.id);
  const double since = job.last_sync > 0 || found == first_seen.end()
                           ? static_cast<double>(job.last_sync)
                           : found->second;
  // A node clock ahead of ours would give a negative age (see clock skew).
  return std::max(0.0, now - since);
}

}  // namespace

std::shared_ptr<const Facts> JobsCollector::Collect(
    Transport& transport, const CollectContext& context) {
  const double now = clock_();
  auto facts = std::make_shared<JobsFacts>();
  facts->node = context.node.name;
  facts->collected_at = now;
  jobs::NodeJobList list =
      jobs::ReadJobStates(transport, context.node.name, &facts->warnings);
  facts->cluster_members = std::move(list.cluster_members);
  std::vector<ReplicationJobState> states = std::move(list.jobs);
  // What the last cycle's other collectors saw on this node: what a run
  // that ended since may have met.
  const auto contention = context.Latest<ContentionFacts>();
  const auto pools = context.Latest<PoolsFacts>();
  const auto snapshots = context.Latest<SnapshotsFacts>();
  const JobVolumeIndex volumes = IndexJobVolumes(snapshots.get());
  std::size_t logs_read = 0;
  std::map<std::string, std::string> never_synced;
  for (const auto& state : states) {
    if (state.last_sync <= 0) never_synced.emplace(state.id, "");
  }
  const std::map<std::string, double> first_seen =
      context.first_sightings.Update(context.SightingScope("never_synced_jobs"),
                                     never_synced, now);
  std::set<std::string> present;
  for (auto& state : states) {
    present.insert(state.id);  // unique: replication.cfg's section ids
    if (!text::IsValidNodeName(state.target)) {
      facts->warnings.Add(
          "replication job " + state.id + " skipped: its target '" +
          text::Printable(state.target) + "' is not a node name");
      continue;
    }
    JobFacts& job = facts->jobs.emplace_back();
    job.state = std::move(state);
    job.state.source = context.node.name;
    job.schedule_interval_seconds =
        intervals_.Get(job.state.schedule, job.state.id).value_or(0);
    job.rpo_seconds = RpoSeconds(job.state, now, first_seen);
    job.missed_intervals_total =
        missed_.Count(job.state, job.schedule_interval_seconds);
    const auto job_volumes = volumes.find(job.state.id);
    std::set<std::string> job_pools;
    if (job_volumes != volumes.end()) {
      for (const auto& volume : job_volumes->second)
        job_pools.emplace(PoolOfDataset(volume));
    }
    job.overlapped_runs = overlapped_.Count(
        job.state, jobs::OverlapOfLastRun(job.state, contention.get(),
                                          pools.get(), job_pools, now));
    job.error = ClassifyError(transport, job.state, &logs_read);
  }
  // After the failing jobs' logs, with a budget of their own: a failure's
  // class matters more than a transfer's size.
  std::size_t transfer_logs_read = 0;
  for (JobFacts& job : facts->jobs) {
    job.last_transfer_bytes = transfers_.LastRunBytes(
        transport, job.state, &transfer_logs_read, kMaxTransferLogsPerCycle);
  }
  transfers_.Keep(present);
  missed_.Keep(present);
  overlapped_.Keep(present);
  intervals_.EndCycle();
  jobs::ForgetVanished(present, &classified_);
  LogChanges(context, *facts);
  return facts;
}

// Error text goes to the log, never into labels: once per new error line.
void JobsCollector::LogChanges(const CollectContext& context,
                               const JobsFacts& facts) {
  std::map<std::string, std::string> current;
  for (const JobFacts& job : facts.jobs) {
    if (!job.error) continue;
    const std::string line =
        std::string(parsers::ErrorClassName(job.error->error_class)) + ": " +
        job.error->error_line;
    const auto logged = logged_errors_.find(job.state.id);
    if (logged == logged_errors_.end() || logged->second != line) {
      spdlog::warn("node {}/{}: replication job {} failing ({} in a row) {}",
                   context.node.cluster, context.node.name, job.state.id,
                   job.state.fail_count, line);
    }
    current.emplace(job.state.id, line);
  }
  for (const auto& [id, line] : logged_errors_) {
    if (current.count(id) == 0) {
      spdlog::info("node {}/{}: replication job {} no longer failing (or gone)",
                   context.node.cluster, context.node.name, id);
    }
  }
  logged_errors_ = std::move(current);
}

}  // namespace replwatch

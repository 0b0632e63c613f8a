#include "collectors/jobs.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "collectors/jobs_state.h"
#include "collectors/parsers/replication_log_parser.h"
#include "text/name_rules.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch {
namespace {

// The error text to classify: the state's, or, when the state has none (a
// failing job whose text is not known, e.g. SYNCING in pvesr status), the
// one the log's last run ended with.
std::string ErrorText(const parsers::ReplicationJobState& job,
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

template <typename Value>
void ForgetVanished(const std::set<std::string>& present,
                    std::map<std::string, Value>* by_job) {
  for (auto it = by_job->begin(); it != by_job->end();) {
    it = present.count(it->first) != 0 ? std::next(it) : by_job->erase(it);
  }
}

}  // namespace

JobsCollector::JobsCollector() : JobsCollector(SystemClockSeconds) {}

JobsCollector::JobsCollector(Clock clock) : clock_(std::move(clock)) {}

std::optional<parsers::ClassifiedError> JobsCollector::ClassifyError(
    Transport& transport, const parsers::ReplicationJobState& job,
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

double JobsCollector::RpoSeconds(const parsers::ReplicationJobState& job,
                                 double now) {
  double since = static_cast<double>(job.last_sync);
  if (job.last_sync > 0) {
    first_seen_.erase(job.id);
  } else {
    since = first_seen_.emplace(job.id, now).first->second;
  }
  // A node clock ahead of ours would give a negative age (see clock skew).
  return std::max(0.0, now - since);
}

std::shared_ptr<const Facts> JobsCollector::Collect(
    Transport& transport, const CollectContext& context) {
  const double now = clock_();
  auto facts = std::make_shared<JobsFacts>();
  facts->node = context.node.name;
  facts->collected_at = now;
  jobs::JobStates states =
      jobs::ReadJobStates(transport, context.node.name, now, &facts->warnings);
  facts->from_pvesr_fallback = states.from_pvesr;
  LogStateSource(context, states);
  if (auto config = jobs::ReadReplicationConfig(transport, &facts->warnings)) {
    jobs::MergeConfig(*config, &states.jobs);
  }
  std::size_t logs_read = 0;
  std::set<std::string> present;
  for (auto& state : states.jobs) {
    // Ids are unique in PVE; a repeated one would duplicate series.
    if (!present.insert(state.id).second) {
      facts->warnings.Add("replication job " + state.id +
                          " listed twice, keeping the first");
      continue;
    }
    if (!text::IsValidNodeName(state.target)) {
      facts->warnings.Add(
          "replication job " + state.id + " skipped: its target '" +
          text::Printable(state.target) + "' is not a node name");
      continue;
    }
    JobFacts& job = facts->jobs.emplace_back();
    job.state = std::move(state);
    job.state.source = context.node.name;
    job.last_try_known = !states.from_pvesr;
    job.schedule_interval_seconds =
        intervals_.Get(job.state.schedule, job.state.id).value_or(0);
    job.rpo_seconds = RpoSeconds(job.state, now);
    job.missed_intervals_total =
        missed_.Count(job.state, job.schedule_interval_seconds);
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
  intervals_.EndCycle();
  ForgetVanished(present, &first_seen_);
  ForgetVanished(present, &classified_);
  LogChanges(context, *facts);
  return facts;
}

void JobsCollector::LogStateSource(const CollectContext& context,
                                   const jobs::JobStates& states) {
  if (states.from_pvesr == logged_fallback_) return;
  if (states.from_pvesr) {
    spdlog::warn("node {}/{}: reading replication jobs from pvesr status: {}",
                 context.node.cluster, context.node.name, states.pvesh_failure);
  } else {
    spdlog::info("node {}/{}: reading replication jobs from pvesh again",
                 context.node.cluster, context.node.name);
  }
  logged_fallback_ = states.from_pvesr;
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

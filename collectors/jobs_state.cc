#include "collectors/jobs_state.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <map>

#include "collectors/collector.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::jobs {
namespace {

// See JobStateFromPvesrRow: no allow-listed command prints the node's zone.
constexpr std::int64_t kAssumedNodeUtcOffsetSeconds = 0;

// Remote stderr, for the log: its first line, printable and bounded.
std::string FirstLine(std::string_view text) {
  return text::Printable(text::TrimSpace(text::SplitAt(&text, '\n')), 200);
}

struct Attempt {
  std::optional<std::string> out;  // set on exit status 0
  std::string failure;             // why not, otherwise
};

// Runs `command`; a non-zero exit or a missing tool is a failed attempt,
// any other transport failure (timeout, lost session) escapes.
Attempt TryRun(Transport& transport, const RemoteCommand& command) {
  try {
    CommandResult result = transport.Run(command);
    if (result.exit_status == 0) return {std::move(result.out), ""};
    return {std::nullopt, command.id() + " exited with " +
                              std::to_string(result.exit_status) + ": " +
                              FirstLine(result.err)};
  } catch (const TransportError& e) {
    if (e.kind() != TransportFailure::kExec) throw;
    return {std::nullopt, command.id() + ": " + e.what()};
  }
}

bool HasPvesrHeader(std::string_view text) {
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (text::StartsWith(line, "JobID ")) return true;
  }
  return false;
}

}  // namespace

parsers::ReplicationJobState JobStateFromPvesrRow(
    const parsers::PvesrStatusRow& row, double now) {
  parsers::ReplicationJobState job;
  job.id = row.job_id;
  job.guest = row.guest;
  job.jobnum = row.jobnum;
  job.type = "local";
  job.target = row.target;
  job.disabled = !row.enabled;
  if (row.last_sync) {
    job.last_sync =
        parsers::LocalToEpoch(*row.last_sync, kAssumedNodeUtcOffsetSeconds);
  }
  if (row.next_sync) {
    job.next_sync =
        parsers::LocalToEpoch(*row.next_sync, kAssumedNodeUtcOffsetSeconds);
  } else if (row.next_sync_pending) {
    job.next_sync = static_cast<std::int64_t>(std::floor(now));
  }
  job.duration_seconds = row.duration_seconds;
  job.fail_count = row.fail_count;
  if (row.syncing()) {
    job.pid = 0;
  } else if (row.state != "OK") {
    job.error = row.state;
  }
  return job;
}

JobStates ReadJobStates(Transport& transport, const std::string& node,
                        double now, text::ParseWarnings* warnings) {
  JobStates states;
  const Attempt pvesh =
      TryRun(transport, MakeCommand("pvesh-replication", {node}));
  if (pvesh.out) {
    parsers::ReplicationStatus status =
        parsers::ParsePveshReplication(*pvesh.out);
    warnings->AddAll("pvesh replication: ", status.warnings);
    states.jobs = std::move(status.jobs);
    return states;
  }
  states.from_pvesr = true;
  states.pvesh_failure = pvesh.failure;
  const Attempt pvesr = TryRun(transport, MakeCommand("pvesr-status"));
  if (!pvesr.out) {
    throw CollectorError("no replication job state: " + pvesh.failure + "; " +
                         pvesr.failure);
  }
  if (!HasPvesrHeader(*pvesr.out)) {
    throw CollectorError("no replication job state: " + pvesh.failure +
                         "; pvesr status printed no JobID header");
  }
  const parsers::PvesrStatus status = parsers::ParsePvesrStatus(*pvesr.out);
  warnings->AddAll("pvesr status: ", status.warnings);
  for (const auto& row : status.rows) {
    states.jobs.push_back(JobStateFromPvesrRow(row, now));
  }
  return states;
}

std::optional<parsers::ReplicationConfig> ReadReplicationConfig(
    Transport& transport, text::ParseWarnings* warnings) {
  const Attempt cat = TryRun(transport, MakeCommand("cat-replication-cfg"));
  if (!cat.out) {
    warnings->Add("replication.cfg not read, using job state only: " +
                  cat.failure);
    return std::nullopt;
  }
  try {
    parsers::ReplicationConfig config =
        parsers::ParseReplicationConfig(*cat.out);
    warnings->AddAll("replication.cfg: ", config.warnings);
    return config;
  } catch (const text::ParseError& e) {
    warnings->Add("replication.cfg not parsed, using job state only: " +
                  std::string(e.what()));
    return std::nullopt;
  }
}

void MergeConfig(const parsers::ReplicationConfig& config,
                 std::vector<parsers::ReplicationJobState>* jobs) {
  std::map<std::string, const parsers::ReplicationJobConfig*> by_id;
  for (const auto& section : config.jobs) by_id.emplace(section.id, &section);
  for (auto& job : *jobs) {
    const auto found = by_id.find(job.id);
    if (found == by_id.end()) continue;
    const parsers::ReplicationJobConfig& section = *found->second;
    if (job.schedule_is_default && section.schedule) {
      job.schedule = *section.schedule;
      job.schedule_is_default = false;
    }
    if (!job.rate_mbps) job.rate_mbps = section.rate_mbps;
    if (job.comment.empty()) job.comment = section.comment;
    if (job.remove_job.empty()) job.remove_job = section.remove_job;
  }
}

bool IsFailing(const parsers::ReplicationJobState& job) {
  return job.fail_count > 0 || (job.error && !job.error->empty());
}

std::optional<std::string> ReadJobLog(Transport& transport,
                                      const std::string& job_id) {
  try {
    CommandResult result =
        transport.Run(MakeCommand("cat-replication-log", {job_id}));
    if (result.exit_status == 0) return std::move(result.out);
  } catch (const CommandRejected&) {
    // An id the allow-list refuses (absurdly long): classify without log.
  } catch (const TransportError& e) {
    if (e.kind() != TransportFailure::kExec &&
        e.kind() != TransportFailure::kOutputTooLarge) {
      throw;
    }
  }
  return std::nullopt;
}

}  // namespace replwatch::jobs

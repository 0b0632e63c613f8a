#include "collectors/jobs_state.h"

#include <map>

#include "collectors/checked_command.h"
#include "collectors/collector.h"
#include "collectors/job_status.h"
#include "collectors/parsers/pmxcfs_status_parser.h"
#include "collectors/parsers/proc_stat_parser.h"
#include "collectors/parsers/replication_cfg_parser.h"
#include "collectors/parsers/replication_state_parser.h"
#include "text/parse_error.h"

namespace replwatch::jobs {
namespace {

// Files PVE may rightly lack (no job yet, no run yet); without them the
// jobs cannot be listed as PVE lists them.
constexpr std::string_view kJobsNotListed = "the node's jobs are not listed";

// check_process_running($pid, $ptime): the process exists, is not a zombie
// and started when the state says (a pid reused after a crash is not it).
bool RunStillGoing(Transport& transport, std::int64_t pid,
                   std::uint64_t start_time) {
  CommandResult result;
  try {
    result = transport.Run(
        MakeCommand(CommandId::kCatProcStat, {std::to_string(pid)}));
  } catch (const CommandRejected&) {
    return false;  // not a pid the kernel hands out
  }
  if (result.exit_status != 0) return false;  // no such process
  const auto stat = parsers::ParseProcStat(result.out, pid);
  return stat && stat->state != 'Z' && stat->start_time == start_time;
}

}  // namespace

NodeJobList ReadJobStates(Transport& transport, const std::string& node,
                          text::ParseWarnings* warnings) {
  const parsers::ReplicationConfig config =
      parsers::ParseReplicationConfig(FileTextOrEmpty(
          transport, CommandId::kCatReplicationCfg, kJobsNotListed));
  warnings->AddAll("replication.cfg: ", config.warnings);
  const auto guests = parsers::ParseVmlist(
      RunExpectingSuccess(transport, CommandId::kCatVmlist), warnings);
  const parsers::ReplicationStateFile state =
      parsers::ParseReplicationState(FileTextOrEmpty(
          transport, CommandId::kCatReplicationState, kJobsNotListed));
  warnings->AddAll("replication state: ", state.warnings);
  // Only the retry time of a failing job depends on it.
  std::map<std::string, bool> online;
  if (const auto members = ReadOptionalFile(
          transport, CommandId::kCatMembers,
          "failing jobs' next retry is unknown (0)", *warnings)) {
    if (!members->empty())
      online = parsers::ParseMembersOnline(*members, warnings);
  }
  const JobStatusInputs inputs{config, guests, state,
                               online, node,   ReadUtcOffset(transport)};
  NodeJobList list;
  list.jobs = JobStatus(inputs);
  for (const auto& member : online)
    list.cluster_members.push_back(member.first);
  for (ReplicationJobState& job : list.jobs) {
    if (!job.pid) continue;
    const parsers::ReplicationRunState* run = state.Find(job.guest, job.target);
    if (!run || !run->ptime ||
        !RunStillGoing(transport, *job.pid, *run->ptime)) {
      job.pid.reset();
    }
  }
  return list;
}

bool IsFailing(const ReplicationJobState& job) {
  return job.fail_count > 0 || (job.error && !job.error->empty());
}

std::optional<std::string> ReadJobLog(Transport& transport,
                                      const std::string& job_id) {
  try {
    CommandResult result =
        transport.Run(MakeCommand(CommandId::kCatReplicationLog, {job_id}));
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

#include "collectors/job_transfers.h"

#include "collectors/jobs_state.h"
#include "collectors/parsers/replication_log_parser.h"
#include "collectors/parsers/replication_transfer.h"
#include "text/parse_error.h"

namespace replwatch::jobs {

std::optional<std::uint64_t> JobTransfers::LastRunBytes(
    Transport& transport, const ReplicationJobState& job,
    std::size_t* logs_read, std::size_t max_logs) {
  if (IsFailing(job) || job.last_sync <= 0) {
    runs_.erase(job.id);
    return std::nullopt;
  }
  const auto known = runs_.find(job.id);
  const std::optional<std::uint64_t> previous =
      known == runs_.end() ? std::nullopt
                           : std::optional<std::uint64_t>(known->second.bytes);
  if (known != runs_.end() && known->second.last_sync == job.last_sync &&
      known->second.duration_seconds == job.duration_seconds) {
    return previous;
  }
  // A running job's log holds the new run so far (PVE truncates it at the
  // start of every run).
  if (job.syncing() || *logs_read >= max_logs) return previous;
  ++*logs_read;
  const std::optional<std::string> text = ReadJobLog(transport, job.id);
  if (!text) return previous;
  std::optional<std::uint64_t> bytes;
  try {
    bytes =
        parsers::EstimatedTransferBytes(parsers::ParseReplicationLog(*text));
  } catch (const text::ParseError&) {
    return previous;  // NUL bytes: not a log
  }
  // No successful end: a run started between the state and the log read.
  if (!bytes) return previous;
  runs_[job.id] = Run{job.last_sync, job.duration_seconds, *bytes};
  return bytes;
}

void JobTransfers::Keep(const std::set<std::string>& present) {
  for (auto it = runs_.begin(); it != runs_.end();) {
    it = present.count(it->first) != 0 ? std::next(it) : runs_.erase(it);
  }
}

}  // namespace replwatch::jobs

#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "collectors/replication_job_state.h"
#include "transport/transport.h"

namespace replwatch::jobs {

/// The bytes each job's last successful run sent (zfs send -v's estimate,
/// parsers::EstimatedTransferBytes), read from the run's log once per run:
/// the log is read again only when the job's last sync or duration moved.
class JobTransfers {
 public:
  /// The estimate for `job`'s last run, or nullopt: the job never synced or
  /// is failing, or its log could not be read. While a run is going, and
  /// when the per-cycle budget of log reads (`logs_read` against
  /// `max_logs`) is spent, the previous run's value stays.
  std::optional<std::uint64_t> LastRunBytes(Transport& transport,
                                            const ReplicationJobState& job,
                                            std::size_t* logs_read,
                                            std::size_t max_logs);

  /// Drops the jobs that are no longer listed.
  void Keep(const std::set<std::string>& present);

 private:
  struct Run {
    std::int64_t last_sync = 0;
    std::optional<double> duration_seconds;
    std::uint64_t bytes = 0;
  };
  std::map<std::string, Run> runs_;  // by job id
};

}  // namespace replwatch::jobs

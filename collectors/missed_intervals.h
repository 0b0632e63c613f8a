#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "collectors/replication_job_state.h"

namespace replwatch::jobs {

/// Scheduled starts that a successful run overran. PVE starts a job's next
/// run at `next_sync`, the first event of its schedule after the last
/// run's start (`compute_next_event($calspec, $state->{last_try})` in
/// pve-guest-common), and never while a run of it is going: a run that
/// ends after `next_sync` skips it and every event until it ends, about
/// one per `interval_seconds` after the first. 0 for a failing job (its
/// next start is a retry back-off), an unknown duration or interval.
std::uint64_t MissedStarts(const ReplicationJobState& job,
                           double interval_seconds);

/// replwatch_job_missed_intervals_total: each job's missed starts, added
/// once per run, since replwatch first saw the job.
class MissedIntervals {
 public:
  /// Adds the job's last run if it is new, and returns the job's total.
  std::uint64_t Count(const ReplicationJobState& job, double interval_seconds);
  /// Drops the jobs that are no longer listed.
  void Keep(const std::set<std::string>& present);

 private:
  struct Tally {
    std::int64_t last_try = 0;  // of the run counted last
    std::uint64_t total = 0;
  };
  std::map<std::string, Tally> tallies_;  // by job id
};

}  // namespace replwatch::jobs

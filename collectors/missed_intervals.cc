#include "collectors/missed_intervals.h"

#include <cmath>

#include "collectors/per_job_state.h"

namespace replwatch::jobs {

std::uint64_t MissedStarts(const ReplicationJobState& job,
                           double interval_seconds) {
  if (job.fail_count > 0 || !job.duration_seconds || interval_seconds <= 0 ||
      job.last_try <= 0 || job.next_sync <= job.last_try) {
    return 0;
  }
  const double end = static_cast<double>(job.last_try) + *job.duration_seconds;
  const double overrun = end - static_cast<double>(job.next_sync);
  if (overrun <= 0) return 0;
  return 1 + static_cast<std::uint64_t>(std::floor(overrun / interval_seconds));
}

std::uint64_t MissedIntervals::Count(const ReplicationJobState& job,
                                     double interval_seconds) {
  Tally& tally = tallies_[job.id];
  if (NewFinishedRun(job, &tally.last_try)) {
    tally.total += MissedStarts(job, interval_seconds);
  }
  return tally.total;
}

void MissedIntervals::Keep(const std::set<std::string>& present) {
  ForgetVanished(present, &tallies_);
}

}  // namespace replwatch::jobs

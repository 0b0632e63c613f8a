#include "collectors/overlapped_runs.h"

#include "collectors/per_job_state.h"

namespace replwatch::jobs {
namespace {

// When the pool's last scrub ran: [start, end), or [start, now) while it
// runs. Finished scans give their end and duration, running ones their
// start.
bool ScrubDuring(const PoolScan& scan, double from, double to, double now) {
  if (scan.kind != parsers::ScanKind::kScrub) return false;
  double start = 0, end = 0;
  if (scan.state == parsers::ScanState::kFinished && scan.end_time &&
      scan.duration_seconds) {
    end = static_cast<double>(*scan.end_time);
    start = end - static_cast<double>(*scan.duration_seconds);
  } else if ((scan.state == parsers::ScanState::kInProgress ||
              scan.state == parsers::ScanState::kPaused) &&
             scan.start_time) {
    start = static_cast<double>(*scan.start_time);
    end = now;
  } else {
    return false;
  }
  return start < to && end > from;
}

}  // namespace

RunOverlap OverlapOfLastRun(const ReplicationJobState& job,
                            const ContentionFacts* contention,
                            const PoolsFacts* pools,
                            const std::set<std::string>& pools_of_job,
                            double now) {
  RunOverlap overlap;
  if (!job.duration_seconds || job.last_try <= 0) return overlap;
  const auto from = static_cast<double>(job.last_try);
  const double to = from + *job.duration_seconds;
  if (contention != nullptr) {
    overlap.backup = contention->BackupDuring(from, to, now);
  }
  if (pools != nullptr) {
    for (const std::string& name : pools_of_job) {
      const PoolInfo* pool = pools->Find(name);
      if (pool != nullptr && ScrubDuring(pool->scan, from, to, now)) {
        overlap.scrub = true;
      }
    }
  }
  return overlap;
}

OverlappedRuns::Totals OverlappedRuns::Count(const ReplicationJobState& job,
                                             const RunOverlap& overlap) {
  Tally& tally = tallies_[job.id];
  if (NewFinishedRun(job, &tally.last_try)) {
    tally.totals.backup += overlap.backup ? 1 : 0;
    tally.totals.scrub += overlap.scrub ? 1 : 0;
  }
  return tally.totals;
}

void OverlappedRuns::Keep(const std::set<std::string>& present) {
  ForgetVanished(present, &tallies_);
}

}  // namespace replwatch::jobs

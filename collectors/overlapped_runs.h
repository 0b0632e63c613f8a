#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "collectors/contention.h"
#include "collectors/pools.h"
#include "collectors/replication_job_state.h"

namespace replwatch::jobs {

/// What a job's last run met on its source node: a vzdump task running at
/// some time during it, a scrub of a pool holding its volumes running at
/// some time during it (the pool's last scrub only: `zpool status` keeps
/// one).
struct RunOverlap {
  bool backup = false;
  bool scrub = false;
};

/// The overlap of the run [last_try, last_try + duration) with what
/// `contention` and `pools` tell. `pools_of_job` are the pools holding the
/// job's volumes on this node. No overlap without a duration.
RunOverlap OverlapOfLastRun(const ReplicationJobState& job,
                            const ContentionFacts* contention,
                            const PoolsFacts* pools,
                            const std::set<std::string>& pools_of_job,
                            double now);

/// replwatch_job_overlapped_runs_total: each job's finished runs that met a
/// backup or a scrub on the source, counted once per run since replwatch
/// first saw the job.
class OverlappedRuns {
 public:
  struct Totals {
    std::uint64_t backup = 0;
    std::uint64_t scrub = 0;
  };
  /// Adds the job's last run if it is new and has ended.
  Totals Count(const ReplicationJobState& job, const RunOverlap& overlap);
  /// Drops the jobs that are no longer listed.
  void Keep(const std::set<std::string>& present);

 private:
  struct Tally {
    std::int64_t last_try = 0;
    Totals totals;
  };
  std::map<std::string, Tally> tallies_;  // by job id
};

}  // namespace replwatch::jobs

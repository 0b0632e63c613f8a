#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "collectors/replication_job_state.h"

namespace replwatch::jobs {

/// Drops the entries of jobs that are no longer listed from state kept per
/// job id across cycles.
template <typename Value>
void ForgetVanished(const std::set<std::string>& present,
                    std::map<std::string, Value>* by_job) {
  for (auto it = by_job->begin(); it != by_job->end();) {
    it = present.count(it->first) != 0 ? std::next(it) : by_job->erase(it);
  }
}

/// True once per run, when it has ended: the job is not syncing and its
/// last_try (the run's start) is not `*counted`, the run counted last, which
/// then becomes this one. A job that never ran has nothing to count.
inline bool NewFinishedRun(const ReplicationJobState& job,
                           std::int64_t* counted) {
  if (job.syncing() || job.last_try <= 0 || job.last_try == *counted) {
    return false;
  }
  *counted = job.last_try;
  return true;
}

}  // namespace replwatch::jobs

#pragma once

#include <map>
#include <set>
#include <string>

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

}  // namespace replwatch::jobs

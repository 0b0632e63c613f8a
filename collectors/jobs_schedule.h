#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

namespace replwatch::jobs {

/// Nominal intervals of replication schedules, cached by schedule text so
/// that a schedule replwatch cannot read is logged once, not every cycle (a
/// node has many jobs but few distinct schedules).
class ScheduleIntervals {
 public:
  /// Seconds between two runs of `schedule`, or nullopt if it is not a
  /// calendar event replwatch understands (logged once per schedule text,
  /// naming `job_id`, the first job met with it).
  std::optional<double> Get(const std::string& schedule,
                            const std::string& job_id);
  /// Forgets the schedules not asked for since the previous call, so the
  /// cache holds only schedules in use.
  void EndCycle();

 private:
  std::map<std::string, std::optional<double>> cache_;
  std::set<std::string> used_;
};

}  // namespace replwatch::jobs

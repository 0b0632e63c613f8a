#include "collectors/job_status.h"

#include <algorithm>

#include "collectors/parsers/calendar_event.h"
#include "collectors/scheduled_starts.h"

namespace replwatch::jobs {
namespace {

// extract_job_state()'s defaults for a job without state.
const parsers::ReplicationRunState kNeverRun;

// How far ahead a schedule's next event is looked for: a leap day's.
constexpr double kNextEventHorizonSeconds = 4 * 366 * 86400.0;

// compute_next_event($calspec, $last_try): the first event after it; 0 when
// the schedule has none in reach or cannot be read (PVE's `// 0`).
std::int64_t NextScheduledRun(const std::string& schedule,
                              std::int64_t last_try,
                              std::int64_t utc_offset_seconds) {
  try {
    const std::vector<double> starts =
        ScheduledStarts(parsers::ParseCalendarEvent(schedule),
                        static_cast<double>(last_try + 1),
                        kNextEventHorizonSeconds, utc_offset_seconds);
    if (!starts.empty()) return static_cast<std::int64_t>(starts.front());
  } catch (const text::ParseError&) {
    // PVE refuses to save such a schedule; one edited in by hand never runs.
  }
  return 0;
}

// The retry back-off of a failing job (job_status): 5, 10, 15, then 30 min.
std::int64_t RetryAt(const parsers::ReplicationRunState& run) {
  const std::uint64_t fails = run.fail_count;
  return run.last_try +
         60 * static_cast<std::int64_t>(fails <= 3 ? 5 * fails : 30);
}

// switch_replication_job_target_nolock($cfg, $vmid, $old, $new).
void SwitchTarget(std::vector<parsers::ReplicationJobConfig>* jobs,
                  std::uint64_t guest, const std::string& old_target,
                  const std::string& new_target) {
  for (parsers::ReplicationJobConfig& job : *jobs) {
    if (job.guest != guest || job.type != "local") continue;
    if (job.target == old_target) job.target = new_target;
    job.source = old_target;
  }
}

}  // namespace

std::vector<ReplicationJobState> JobStatus(const JobStatusInputs& inputs) {
  std::vector<parsers::ReplicationJobConfig> jobs = inputs.config.jobs;
  // Perl's `sort keys`: by the id's text, "1000-0" before "101-0".
  std::sort(jobs.begin(), jobs.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  const std::string& me = inputs.local_node;
  std::vector<ReplicationJobState> listed;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const std::uint64_t guest = jobs[i].guest;
    // PVE's SectionConfig loads no section of an unknown type (the parser
    // warned of it).
    if (jobs[i].type != "local") continue;
    const auto placement = inputs.guests.find(guest);
    if (placement == inputs.guests.end() || placement->second.node != me) {
      continue;
    }
    if (jobs[i].source.empty()) jobs[i].source = me;
    if (jobs[i].source != me) {
      SwitchTarget(&jobs, guest, me, std::string(jobs[i].source));
    }
    const parsers::ReplicationJobConfig& job = jobs[i];
    const bool removing = !job.remove_job.empty();
    if (!removing && job.target == me) continue;

    ReplicationJobState& out = listed.emplace_back();
    out.id = job.id;
    out.guest = job.guest;
    out.jobnum = job.jobnum;
    out.type = job.type;
    out.target = job.target;
    out.source = job.source;
    out.vmtype = placement->second.type;
    if (job.schedule) {
      out.schedule = *job.schedule;
      out.schedule_is_default = false;
    }
    out.rate_mbps = job.rate_mbps;
    out.comment = job.comment;
    out.disabled = job.disabled;
    out.remove_job = job.remove_job;

    const parsers::ReplicationRunState* found =
        inputs.state.Find(job.guest, job.target);
    const parsers::ReplicationRunState& run = found ? *found : kNeverRun;
    out.last_sync = run.last_sync;
    out.last_try = run.last_try;
    out.fail_count = run.fail_count;
    out.duration_seconds = run.duration_seconds;
    out.error = run.error;
    if (run.pid && run.ptime) out.pid = run.pid;

    if (removing) {
      out.next_sync = 1;  // lowest possible value
    } else if (run.fail_count > 0) {
      const auto member = inputs.members_online.find(job.target);
      const bool online =
          member != inputs.members_online.end() && member->second;
      out.next_sync = online ? RetryAt(run) : 0;
    } else {
      out.next_sync = NextScheduledRun(out.schedule, run.last_try,
                                       inputs.utc_offset_seconds);
    }
  }
  return listed;
}

}  // namespace replwatch::jobs

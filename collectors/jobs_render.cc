// JobsFacts: the series of the jobs collector (docs/metrics.md), the
// replication paths other collectors derive from the jobs, and when a run
// counts as stalled.

#include <algorithm>
#include <set>

#include "collectors/jobs.h"
#include "text/name_rules.h"
#include "text/text_scan.h"

namespace replwatch {

// Job series name the job's nodes (source, target) and not the node they
// were read on: `source` is that node already (the alert rules derive
// `node` from it).
LabelList JobLabels(const LabelList& node_labels, const JobFacts& job) {
  LabelList labels;
  for (const auto& label : node_labels) {
    if (label.first != "node") labels.push_back(label);
  }
  // Checked when read: the id is <guest>-<jobnum> in decimal (at most 41
  // characters), the nodes are node names. Never cut: two long ids cut to
  // one would merge two jobs' series and lose one of them.
  labels.emplace_back("job_id", job.state.id);
  labels.emplace_back("guest", std::to_string(job.state.guest));
  labels.emplace_back("source", job.state.source);
  labels.emplace_back("target", job.state.target);
  return labels;
}

std::optional<double> JobFacts::StalledFor(double now) const {
  if (!state.syncing() || state.last_try <= 0) {
    return std::nullopt;
  }
  const double running = now - static_cast<double>(state.last_try);
  const double limit = std::max(2 * schedule_interval_seconds, 3600.0);
  return running > limit ? std::optional<double>(running) : std::nullopt;
}

namespace {

void RenderJob(const JobFacts& job, const LabelList& labels, MetricSet& out) {
  const auto& s = job.state;
  out.Gauge("replwatch_job_info", "Replication job configuration; always 1.",
            With(With(labels, "schedule", text::Printable(s.schedule, 128)),
                 "vmtype", text::Printable(s.vmtype, 16)),
            1);
  out.Gauge("replwatch_job_enabled",
            "1 if the replication job is enabled, 0 if disabled.", labels,
            s.disabled ? 0 : 1);
  if (job.schedule_interval_seconds > 0) {
    out.Gauge("replwatch_job_schedule_interval_seconds",
              "Longest gap between two scheduled runs of the job.", labels,
              job.schedule_interval_seconds);
  }
  out.Gauge("replwatch_job_last_sync_timestamp_seconds",
            "Start of the last successful run (0 = never synced).", labels,
            static_cast<double>(s.last_sync));
  out.Gauge("replwatch_job_last_try_timestamp_seconds",
            "Start of the last attempt, successful or not (0 = never).", labels,
            static_cast<double>(s.last_try));
  out.Gauge("replwatch_job_next_sync_timestamp_seconds",
            "When PVE runs the job next (0 = not scheduled).", labels,
            static_cast<double>(s.next_sync));
  if (s.duration_seconds) {
    out.Gauge("replwatch_job_duration_seconds",
              "Duration of the job's last run, successful or not.", labels,
              *s.duration_seconds);
  }
  out.Counter("replwatch_job_missed_intervals_total",
              "Scheduled starts the job's successful runs overran (PVE skips "
              "a start while a run goes on), since replwatch first saw the "
              "job.",
              labels, static_cast<double>(job.missed_intervals_total));
  for (const auto& [with, runs] :
       {std::pair{"backup", job.overlapped_runs.backup},
        std::pair{"scrub", job.overlapped_runs.scrub}}) {
    LabelList with_labels = labels;
    with_labels.emplace_back("with", with);
    out.Counter("replwatch_job_overlapped_runs_total",
                "Finished runs that met a vzdump task on the source node, or "
                "a scrub of a pool holding the job's volumes there, since "
                "replwatch first saw the job.",
                with_labels, static_cast<double>(runs));
  }
  if (job.last_transfer_bytes) {
    out.Gauge("replwatch_job_last_transfer_bytes",
              "Bytes the last successful run sent, as zfs send -v estimated "
              "them (the sum of its volumes' totals, from the run's log).",
              labels, static_cast<double>(*job.last_transfer_bytes));
    if (s.duration_seconds && *s.duration_seconds > 0) {
      out.Gauge(
          "replwatch_job_last_throughput_bytes_per_second",
          "The last successful run's bytes over its whole duration "
          "(snapshots and pruning included).",
          labels,
          static_cast<double>(*job.last_transfer_bytes) / *s.duration_seconds);
    }
  }
  out.Gauge("replwatch_job_consecutive_failures",
            "Consecutive failed runs of the job (0 after a success).", labels,
            static_cast<double>(s.fail_count));
  out.Gauge("replwatch_job_syncing", "1 while a run of the job is active.",
            labels, s.syncing() ? 1 : 0);
  out.Gauge("replwatch_job_rpo_seconds",
            "Age of the replica: now minus the last sync (minus the job's "
            "first sighting if it never synced).",
            labels, job.rpo_seconds);
  out.Gauge("replwatch_job_removal_pending",
            "1 while the job is marked for removal (pvesr delete).", labels,
            s.remove_job.empty() ? 0 : 1);
  if (job.error) {
    out.Gauge(
        "replwatch_job_last_error_info",
        "Class of the failing job's last error; 1 while it fails.",
        With(labels, "class",
             std::string(parsers::ErrorClassName(job.error->error_class))),
        1);
  }
}

}  // namespace

std::vector<std::string> JobsFacts::ReplicationTargets() const {
  std::set<std::string> targets;
  for (const JobFacts& job : jobs) {
    if (!job.state.disabled && text::IsValidNodeName(job.state.target)) {
      targets.insert(job.state.target);
    }
  }
  return {targets.begin(), targets.end()};
}

void JobsFacts::Render(const LabelList& node_labels, MetricSet& out) const {
  for (const JobFacts& job : jobs) {
    RenderJob(job, JobLabels(node_labels, job), out);
  }
}

}  // namespace replwatch

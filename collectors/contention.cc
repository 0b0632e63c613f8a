#include "collectors/contention.h"

#include <string>
#include <utility>

#include "collectors/checked_command.h"
#include "text/text_scan.h"
#include "transport/remote_command.h"

namespace replwatch {
namespace {

// An optional file's text: empty when the node does not have it (no backup
// job was ever created, zfsutils-linux is not installed, no timer is
// enabled), and when it cannot be read (a warning says why).
std::string OptionalFileText(Transport& transport, CommandId id,
                             ContentionFacts& facts) {
  return ReadOptionalFile(transport, id, "read as empty", facts.warnings)
      .value_or("");
}

void KeepBackups(const parsers::PveTaskList& tasks, ContentionFacts& facts) {
  std::int64_t newest_end = 0;
  for (const parsers::PveTask& task : tasks.tasks) {
    if (task.type != "vzdump") continue;
    facts.backups.push_back(task);
    if (task.end && *task.end >= newest_end && *task.end >= task.start) {
      newest_end = *task.end;
      facts.last_backup_seconds = static_cast<double>(*task.end - task.start);
    }
  }
}

}  // namespace

std::size_t ContentionFacts::RunningBackups() const {
  std::size_t running = 0;
  for (const parsers::PveTask& task : backups) running += task.end ? 0 : 1;
  return running;
}

bool ContentionFacts::BackupDuring(double from, double to, double now) const {
  for (const parsers::PveTask& task : backups) {
    const double end = task.end ? static_cast<double>(*task.end) : now;
    if (static_cast<double>(task.start) < to && end > from) return true;
  }
  return false;
}

void ContentionFacts::Render(const LabelList& node_labels,
                             MetricSet& out) const {
  out.Gauge("replwatch_node_backups_running",
            "vzdump tasks running on the node now (its task list).",
            node_labels, static_cast<double>(RunningBackups()));
  out.Gauge("replwatch_node_backup_jobs",
            "Enabled backup jobs of /etc/pve/jobs.cfg that run on the node.",
            node_labels, static_cast<double>(backup_jobs.size()));
  if (last_backup_seconds) {
    out.Gauge("replwatch_node_last_backup_duration_seconds",
              "How long the node's newest finished vzdump task took.",
              node_labels, *last_backup_seconds);
  }
}

std::shared_ptr<const Facts> ContentionCollector::Collect(
    Transport& transport, const CollectContext& context) {
  auto facts = std::make_shared<ContentionFacts>();
  facts->utc_offset_seconds = ReadUtcOffset(transport);

  const parsers::VzdumpJobs jobs = parsers::ParseVzdumpJobs(
      OptionalFileText(transport, CommandId::kCatJobsCfg, *facts));
  facts->warnings.AddAll("jobs.cfg: ", jobs.warnings);
  for (const parsers::VzdumpJob& job : jobs.jobs) {
    if (job.enabled && (job.node.empty() || job.node == context.node.name)) {
      facts->backup_jobs.push_back(job);
    }
  }

  const parsers::PveTaskList tasks = parsers::ParseActiveTasks(
      OptionalFileText(transport, CommandId::kCatActiveTasks, *facts));
  facts->warnings.AddAll("tasks/active: ", tasks.warnings);
  KeepBackups(tasks, *facts);

  for (auto [schedules, prefix] :
       {std::pair{parsers::ParseScrubCron(OptionalFileText(
                      transport, CommandId::kCatZfsutilsCron, *facts)),
                  "cron.d/zfsutils-linux: "},
        std::pair{parsers::ParseScrubTimers(OptionalFileText(
                      transport, CommandId::kLsEnabledTimers, *facts)),
                  "timers.target.wants: "}}) {
    facts->warnings.AddAll(prefix, schedules.warnings);
    for (auto& schedule : schedules.schedules) {
      facts->scrubs.push_back(std::move(schedule));
    }
  }
  return facts;
}

}  // namespace replwatch

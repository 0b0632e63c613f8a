#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/parsers/scrub_schedule_parser.h"
#include "collectors/parsers/task_list_parser.h"
#include "collectors/parsers/vzdump_jobs_parser.h"

namespace replwatch {

/// What replication on this node competes with for its pools: the backup
/// jobs that run here (/etc/pve/jobs.cfg), the backups running now (the
/// node's task list) and the node's own scrub schedules (Debian's cron
/// line, OpenZFS's scrub timers). Scans running now are the pools
/// collector's.
class ContentionFacts : public Facts {
 public:
  /// The collector these facts come from (ClusterView::Find<ContentionFacts>).
  static constexpr std::string_view kCollector = "contention";

  /// Enabled vzdump jobs that run on this node (no `node`, or this one).
  std::vector<parsers::VzdumpJob> backup_jobs;
  /// The vzdump tasks of the task list: running (no end) and the last
  /// finished ones.
  std::vector<parsers::PveTask> backups;
  /// How long the newest finished vzdump task in the list took.
  std::optional<double> last_backup_seconds;

  std::size_t RunningBackups() const;
  /// Whether a vzdump task ran at some time in [from, to) (a running one
  /// counts as running until `now`).
  bool BackupDuring(double from, double to, double now) const;
  std::vector<parsers::ScrubSchedule> scrubs;
  /// The node's local time minus UTC (`date +%z`): schedules are local.
  std::int64_t utc_offset_seconds = 0;

  void Render(const LabelList& node_labels, MetricSet& out) const override;
};

class ContentionCollector : public Collector {
 public:
  std::string_view name() const override { return ContentionFacts::kCollector; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

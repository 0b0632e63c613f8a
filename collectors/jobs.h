#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "collectors/collector.h"
#include "collectors/job_transfers.h"
#include "collectors/jobs_schedule.h"
#include "collectors/jobs_state.h"
#include "collectors/missed_intervals.h"
#include "collectors/overlapped_runs.h"
#include "collectors/parsers/error_class.h"
#include "collectors/replication_job_state.h"

namespace replwatch {

/// One replication job as seen on its source node.
struct JobFacts {
  /// `source` is always the node the job was read on: PVE lists a job only
  /// on the node that holds its guest, while the configured `source` can be
  /// stale after a guest moved.
  ReplicationJobState state;
  double schedule_interval_seconds = 0;           // 0: schedule not understood
  std::optional<parsers::ClassifiedError> error;  // while the job fails
  /// Age of the replica: now - last_sync, or now - first sighting by this
  /// replwatch process while the job never synced.
  double rpo_seconds = 0;
  /// What the last successful run sent (zfs send -v's estimate, from its
  /// log); nullopt while unknown or failing.
  std::optional<std::uint64_t> last_transfer_bytes;
  /// Scheduled starts its successful runs overran since replwatch first saw
  /// the job (jobs::MissedStarts).
  std::uint64_t missed_intervals_total = 0;
  /// Finished runs that met a backup or a scrub on the source since
  /// replwatch first saw the job (jobs::OverlapOfLastRun).
  jobs::OverlappedRuns::Totals overlapped_runs;

  /// Seconds the current run has taken at `now` when it has run longer than
  /// max(2 x its interval, 1 h) (ReplwatchJobStalled's rule); nullopt when
  /// it is not running, not that long, or its start is unknown.
  std::optional<double> StalledFor(double now) const;
};

/// The replication jobs whose guest lives on this node.
class JobsFacts : public Facts {
 public:
  /// The collector these facts come from (ClusterView::Find<JobsFacts>).
  static constexpr std::string_view kCollector = "jobs";

  std::string node;         // the node these jobs were read on (their source)
  double collected_at = 0;  // epoch seconds
  std::vector<JobFacts> jobs;
  /// Every node of the cluster by /etc/pve/.members, replwatch's or not
  /// (empty if it could not be read).
  std::vector<std::string> cluster_members;

  /// Distinct target nodes of enabled jobs: the node's replication paths.
  /// Only targets that are valid node names are returned.
  std::vector<std::string> ReplicationTargets() const;
  void Render(const LabelList& node_labels, MetricSet& out) const override;
};

/// The labels of a job's series: `pve_cluster` (from `node_labels`),
/// `job_id`, `guest`, `source`, `target`. Cross-node series about the job
/// use the same set so PromQL can compare them one to one.
LabelList JobLabels(const LabelList& node_labels, const JobFacts& job);

/// Reads the node's job list (jobs::ReadJobStates: the files pvesr reads)
/// and each job's last-run log once per run. For failing jobs: one command
/// per failing job that ran since the previous cycle (a classification is
/// kept until the job's next run), at most kMaxLogsPerCycle; beyond that the
/// state's error text alone is classified, and the log is read in a later
/// cycle. For jobs whose last run succeeded: its transfer estimate
/// (JobTransfers), at most kMaxTransferLogsPerCycle.
class JobsCollector : public Collector {
 public:
  static constexpr std::size_t kMaxLogsPerCycle = 20;
  static constexpr std::size_t kMaxTransferLogsPerCycle = 20;
  /// Returns the current time in epoch seconds.

  JobsCollector();
  explicit JobsCollector(Clock clock);

  std::string_view name() const override { return JobsFacts::kCollector; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;

 private:
  // What a new run of a job changes (fail count, last try, duration, error).
  using RunKey = std::tuple<std::uint64_t, std::int64_t, std::optional<double>,
                            std::optional<std::string>>;
  struct Classified {
    RunKey run;
    parsers::ClassifiedError error;
  };

  std::optional<parsers::ClassifiedError> ClassifyError(
      Transport& transport, const ReplicationJobState& job,
      std::size_t* logs_read);
  void LogChanges(const CollectContext& context, const JobsFacts& facts);

  Clock clock_;
  jobs::ScheduleIntervals intervals_;
  // Failing jobs -> their last run's class, found with the run's log.
  std::map<std::string, Classified> classified_;
  jobs::JobTransfers transfers_;
  jobs::MissedIntervals missed_;
  jobs::OverlappedRuns overlapped_;
  // Error line last logged per failing job, so a failure is logged once.
  std::map<std::string, std::string> logged_errors_;
};

}  // namespace replwatch

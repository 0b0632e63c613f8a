#include "analysis/pool_contention.h"

#include <set>
#include <vector>

#include "analysis/schedule_overlap.h"
#include "collectors/contention.h"
#include "collectors/datasets.h"
#include "collectors/jobs.h"
#include "collectors/pools.h"
#include "collectors/pve_volume_names.h"
#include "collectors/scheduled_starts.h"
#include "text/parse_error.h"

namespace replwatch {
namespace {

using PoolKey = std::pair<std::string, std::string>;  // node, pool

struct PoolSpans {
  std::vector<TimeSpan> replication, backup, scrub;
};

std::optional<parsers::CalendarEvent> ScheduleOf(std::string_view spec) {
  try {
    return parsers::ParseCalendarEvent(spec);
  } catch (const text::ParseError&) {
    return std::nullopt;  // the jobs collector reports it
  }
}

void Append(std::vector<TimeSpan>& to, const std::vector<TimeSpan>& spans) {
  to.insert(to.end(), spans.begin(), spans.end());
}

std::set<std::string> PoolsOf(const std::vector<std::string>& volumes) {
  std::set<std::string> pools;
  for (const auto& volume : volumes) pools.emplace(PoolOfDataset(volume));
  return pools;
}

// Guests whose volumes `node` holds as someone else's replicas.
std::set<std::string> ReplicaGuests(const ClusterView& view,
                                    const std::string& node) {
  std::set<std::string> guests;
  for (const auto& other : view.nodes()) {
    if (other == node) continue;
    const auto* jobs = view.Find<JobsFacts>(other);
    if (jobs == nullptr) continue;
    for (const JobFacts& job : jobs->jobs) {
      if (job.state.target == node)
        guests.insert(std::to_string(job.state.guest));
    }
  }
  return guests;
}

// The pools each backup job of `node` reads, spans included.
void AddBackups(const ClusterView& view, const std::string& node,
                const ContentionFacts& contention, double now,
                std::map<PoolKey, PoolSpans>& spans) {
  const auto* datasets = view.Find<DatasetsFacts>(node);
  if (datasets == nullptr) return;
  const std::set<std::string> replicas = ReplicaGuests(view, node);
  const double duration =
      contention.last_backup_seconds.value_or(kAssumedBackupSeconds);
  for (const parsers::VzdumpJob& job : contention.backup_jobs) {
    const auto schedule = ScheduleOf(job.schedule);
    if (!schedule) continue;
    std::set<std::string> pools;
    for (const auto& [name, info] : datasets->datasets) {
      const std::string guest(GuestOfPveVolume(name));
      if (guest.empty() || replicas.count(guest)) continue;
      if (job.Covers(std::stoull(guest))) pools.emplace(PoolOfDataset(name));
    }
    const auto runs =
        SpansFrom(ScheduledStarts(*schedule, now, kContentionHorizonSeconds,
                                  contention.utc_offset_seconds),
                  duration);
    for (const auto& pool : pools) Append(spans[{node, pool}].backup, runs);
  }
}

void AddScrubs(const ClusterView& view, const std::string& node,
               const ContentionFacts& contention, double now,
               std::map<PoolKey, PoolSpans>& spans) {
  const auto* pools = view.Find<PoolsFacts>(node);
  if (pools == nullptr) return;
  for (const parsers::ScrubSchedule& scrub : contention.scrubs) {
    for (const PoolInfo& pool : pools->pools) {
      // Debian's script scrubs only pools whose health is ONLINE.
      if (scrub.pool.empty() ? pool.health != "ONLINE"
                             : scrub.pool != pool.name) {
        continue;
      }
      const double duration =
          pool.scan.ScrubSecondsAt(now).value_or(kAssumedScrubSeconds);
      for (const auto& event : scrub.events) {
        Append(spans[{node, pool.name}].scrub,
               SpansFrom(ScheduledStarts(event, now, kContentionHorizonSeconds,
                                         contention.utc_offset_seconds),
                         duration));
      }
    }
  }
}

}  // namespace

std::map<PoolKey, PoolContention> AnalyzePoolContention(
    const ClusterView& view,
    const std::map<std::string, JobVolumeIndex>& volumes) {
  std::map<PoolKey, PoolSpans> spans;
  std::map<PoolKey, PoolContention> result;
  for (const auto& node : view.nodes()) {
    const auto* jobs = view.Find<JobsFacts>(node);
    const auto* contention = view.Find<ContentionFacts>(node);
    if (jobs == nullptr || contention == nullptr) continue;
    const double now = jobs->collected_at;
    // Most jobs share a few schedules (PVE's default */15): each is read once.
    std::map<std::string, std::optional<std::vector<double>>> starts_of;
    for (const JobFacts& job : jobs->jobs) {
      if (job.state.disabled) continue;
      auto [it, added] = starts_of.try_emplace(job.state.schedule);
      if (added) {
        if (const auto schedule = ScheduleOf(job.state.schedule)) {
          it->second =
              ScheduledStarts(*schedule, now, kContentionHorizonSeconds,
                              contention->utc_offset_seconds);
        }
      }
      if (!it->second) continue;
      const std::set<std::string> pools = PoolsOf(JobVolumes(
          JobVolumesOfNode(volumes, node),
          JobVolumesOfNode(volumes, job.state.target), job.state.id));
      const auto* target = view.Find<ContentionFacts>(job.state.target);
      const auto runs = SpansFrom(
          *it->second, std::max(1.0, job.state.duration_seconds.value_or(1.0)));
      for (const auto& pool : pools) {
        Append(spans[{node, pool}].replication, runs);
        result[{node, pool}].jobs_syncing += job.state.syncing() ? 1 : 0;
        if (target == nullptr) continue;
        Append(spans[{job.state.target, pool}].replication, runs);
        result[{job.state.target, pool}].jobs_syncing +=
            job.state.syncing() ? 1 : 0;
      }
    }
    AddBackups(view, node, *contention, now, spans);
    AddScrubs(view, node, *contention, now, spans);
  }
  for (auto& [key, pool] : spans) {
    if (view.Find<ContentionFacts>(key.first) == nullptr) continue;
    PoolContention& out = result[key];
    const std::vector<TimeSpan> replication =
        UnionOf(std::move(pool.replication));
    out.replication_seconds = LengthOf(replication);
    out.backup_overlap_seconds =
        OverlapOf(replication, UnionOf(std::move(pool.backup)));
    out.scrub_overlap_seconds =
        OverlapOf(replication, UnionOf(std::move(pool.scrub)));
  }
  return result;
}

void RenderPoolContention(const ClusterView& view,
                          const std::map<std::string, JobVolumeIndex>& volumes,
                          MetricSet& out) {
  std::map<std::string, int> syncing_by_node;
  for (const auto& node : view.nodes()) {
    const auto* jobs = view.Find<JobsFacts>(node);
    if (jobs == nullptr || view.UnreachableSince(node)) continue;
    int& syncing = syncing_by_node[node];
    for (const JobFacts& job : jobs->jobs) syncing += job.state.syncing();
  }
  for (const auto& [node, syncing] : syncing_by_node) {
    out.Gauge("replwatch_node_jobs_syncing",
              "Replication jobs of the node (its guests) running now.",
              {{"pve_cluster", view.cluster()}, {"node", node}}, syncing);
  }
  for (const auto& [key, pool] : AnalyzePoolContention(view, volumes)) {
    const LabelList labels = {{"pve_cluster", view.cluster()},
                              {"node", key.first},
                              {"pool", key.second}};
    out.Gauge("replwatch_pool_jobs_syncing",
              "Replication jobs running now that send from or receive into "
              "the pool.",
              labels, pool.jobs_syncing);
    out.Gauge("replwatch_schedule_replication_seconds",
              "Seconds in the next 7 days when replication runs are expected "
              "on the pool: every job's schedule, each run as long as its "
              "last one.",
              labels, pool.replication_seconds);
    for (const auto& [with, seconds] :
         {std::pair{"backup", pool.backup_overlap_seconds},
          std::pair{"scrub", pool.scrub_overlap_seconds}}) {
      LabelList with_labels = labels;
      with_labels.emplace_back("with", with);
      out.Gauge("replwatch_schedule_overlap_seconds",
                "Seconds in the next 7 days when a replication run on the "
                "pool is expected during a backup (of a guest on the pool) or "
                "a scrub of the pool.",
                with_labels, seconds);
    }
  }
}

}  // namespace replwatch

// Parses and aligns N snapshots (source + target listings of one node pair)
// the way replwatch does each cycle, and prints the time and memory used:
// on one core (one listing after the other) and with two workers (each
// node's listing parsed by its own worker, as the daemon does); for the
// first cycle (memory the process never used: page faults included) and for
// later cycles (a cycle's facts replace the last one's, so parsing reuses
// memory freed the cycle before).
// Usage: snapshot_bench <source-listing> <target-listing>
// The listings are `zfs list -Hp -t snapshot -o name,guid,createtxg,creation`
// output, made by bench/run-snapshot-bench.sh.

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "analysis/volume_chain.h"
#include "collectors/snapshots.h"

namespace {

std::string Slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t HeapBytesInUse() { return mallinfo2().uordblks; }

// What the facts cannot do without, per snapshot: guid, createtxg and
// creation (8 bytes each) and a reference to its name (8), plus each
// distinct dataset and snapshot name once.
std::size_t RawBytesNeeded(const replwatch::SnapshotsFacts& facts) {
  std::set<std::string_view> names;
  std::size_t bytes = facts.snapshot_count() * 32;
  for (const auto& [dataset, snapshots] : facts.datasets()) {
    bytes += dataset.size();
    for (const auto& snapshot : snapshots) names.insert(snapshot.name);
  }
  for (const auto name : names) bytes += name.size();
  return bytes;
}

long MaxRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Aligns every replicated volume of the source with the target, by GUID.
void Align(const replwatch::SnapshotsFacts& source,
           const replwatch::SnapshotsFacts& target, std::size_t* aligned,
           std::size_t* series) {
  const replwatch::JobVolumeIndex volumes = replwatch::IndexJobVolumes(&source);
  replwatch::MetricSet out;
  *aligned = 0;
  for (const auto& [job, datasets] : volumes) {
    const replwatch::VolumeChainInputs inputs{job,     0,       &source,
                                              &target, nullptr, nullptr};
    for (const auto& volume : datasets) {
      replwatch::RenderVolumeChain(replwatch::AnalyzeChain(inputs, volume),
                                   volume, {{"job_id", job}}, out);
      ++*aligned;
    }
  }
  *series = out.series_count();
}

using FactsPtr = std::shared_ptr<replwatch::SnapshotsFacts>;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

// Parses both listings, one after the other or (two workers, as the daemon
// does) each on its own thread.
void Parse(const std::string& source_text, const std::string& target_text,
           bool two_workers, FactsPtr* source, FactsPtr* target) {
  if (!two_workers) {
    *source = replwatch::SnapshotsFacts::FromZfsList(source_text);
    *target = replwatch::SnapshotsFacts::FromZfsList(target_text);
    return;
  }
  auto target_future = std::async(std::launch::async, [&target_text] {
    return replwatch::SnapshotsFacts::FromZfsList(target_text);
  });
  *source = replwatch::SnapshotsFacts::FromZfsList(source_text);
  *target = target_future.get();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <source-listing> <target-listing>\n",
                 argv[0]);
    return 2;
  }
  const std::string source_text = Slurp(argv[1]);
  const std::string target_text = Slurp(argv[2]);
  const long rss_before = MaxRssKib();

  // The first cycle, into memory the process never used: one core.
  const std::size_t heap_before = HeapBytesInUse();
  auto start = std::chrono::steady_clock::now();
  FactsPtr source, target;
  Parse(source_text, target_text, false, &source, &target);
  const double parse_s = Seconds(start);
  const std::size_t facts_bytes = HeapBytesInUse() - heap_before;
  std::size_t aligned = 0, series = 0;
  Align(*source, *target, &aligned, &series);
  const double first_s = Seconds(start);
  const std::size_t raw_bytes =
      RawBytesNeeded(*source) + RawBytesNeeded(*target);

  // The same with two workers (the other thread's memory is new as well).
  start = std::chrono::steady_clock::now();
  Parse(source_text, target_text, true, &source, &target);
  Align(*source, *target, &aligned, &series);
  const double first_two_s = Seconds(start);

  // Later cycles, as the daemon runs them: a cycle's facts replace the last
  // cycle's once complete, so parsing reuses what the cycle before freed.
  // Best of four cycles each way.
  double steady_s = 1e9, steady_two_s = 1e9;
  for (int cycle = 0; cycle < 8; ++cycle) {
    const bool two_workers = cycle % 2 == 1;
    FactsPtr next_source, next_target;
    start = std::chrono::steady_clock::now();
    Parse(source_text, target_text, two_workers, &next_source, &next_target);
    Align(*next_source, *next_target, &aligned, &series);
    double& best = two_workers ? steady_two_s : steady_s;
    best = std::min(best, Seconds(start));
    source = std::move(next_source);
    target = std::move(next_target);
  }

  std::printf(
      "snapshots=%zu volumes=%zu bytes=%zu parse_s=%.3f align_s=%.3f "
      "total_s=%.3f two_workers_s=%.3f steady_s=%.3f steady_two_workers_s=%.3f "
      "series=%zu facts_mib=%.1f raw_needed_mib=%.1f rss_growth_mib=%.1f\n",
      source->snapshot_count() + target->snapshot_count(), aligned,
      source_text.size() + target_text.size(), parse_s, first_s - parse_s,
      first_s, first_two_s, steady_s, steady_two_s, series,
      facts_bytes / 1048576.0, raw_bytes / 1048576.0,
      (MaxRssKib() - rss_before) / 1024.0);
  return 0;
}

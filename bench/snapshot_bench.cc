// Parses and aligns N snapshots (source + target listings of one node pair)
// the way replwatch does each cycle, and prints the time and memory used:
// on one core (one listing after the other) and with two workers (each
// node's listing parsed by its own worker, as the daemon does).
// Usage: snapshot_bench <source-listing> <target-listing>
// The listings are `zfs list -Hp -t snapshot -o name,guid,createtxg,creation`
// output, made by bench/run-snapshot-bench.sh.

#include <malloc.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "collectors/snapshots.h"
#include "collectors/volume_chain.h"

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
      replwatch::RenderVolumeChain(inputs, volume, {{"job_id", job}}, out);
      ++*aligned;
    }
  }
  *series = out.series_count();
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
  const auto seconds = [](auto a, auto b) {
    return std::chrono::duration<double>(b - a).count();
  };

  // One core: parse one listing after the other, then align.
  const std::size_t heap_before = HeapBytesInUse();
  const auto start = std::chrono::steady_clock::now();
  auto source = replwatch::SnapshotsFacts::FromZfsList(source_text);
  auto target = replwatch::SnapshotsFacts::FromZfsList(target_text);
  const auto parsed = std::chrono::steady_clock::now();
  const std::size_t facts_bytes = HeapBytesInUse() - heap_before;
  std::size_t aligned = 0, series = 0;
  Align(*source, *target, &aligned, &series);
  const auto done = std::chrono::steady_clock::now();
  const std::size_t raw_bytes =
      RawBytesNeeded(*source) + RawBytesNeeded(*target);

  // As the daemon runs: each node's listing is parsed by its own worker.
  const auto start_parallel = std::chrono::steady_clock::now();
  auto target_future = std::async(std::launch::async, [&target_text] {
    return replwatch::SnapshotsFacts::FromZfsList(target_text);
  });
  source = replwatch::SnapshotsFacts::FromZfsList(source_text);
  target = target_future.get();
  Align(*source, *target, &aligned, &series);
  const auto done_parallel = std::chrono::steady_clock::now();

  std::printf(
      "snapshots=%zu volumes=%zu bytes=%zu parse_s=%.3f align_s=%.3f "
      "total_s=%.3f two_workers_s=%.3f series=%zu facts_mib=%.1f "
      "raw_needed_mib=%.1f rss_growth_mib=%.1f\n",
      source->snapshot_count() + target->snapshot_count(), aligned,
      source_text.size() + target_text.size(), seconds(start, parsed),
      seconds(parsed, done), seconds(start, done),
      seconds(start_parallel, done_parallel), series, facts_bytes / 1048576.0,
      raw_bytes / 1048576.0, (MaxRssKib() - rss_before) / 1024.0);
  return 0;
}

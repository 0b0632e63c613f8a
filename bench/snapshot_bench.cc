// Parses and aligns N snapshots (source + target listings of one node pair)
// the way replwatch does each cycle, and prints the time and memory used.
// Usage: snapshot_bench <source-listing> <target-listing>
// The listings are `zfs list -Hp -t snapshot -o name,guid,createtxg,creation`
// output, made by bench/run-snapshot-bench.sh.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "collectors/snapshots.h"
#include "collectors/volume_chain.h"

namespace {

std::string Slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

long MaxRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
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
  const auto start = std::chrono::steady_clock::now();
  const auto source = replwatch::SnapshotsFacts::FromZfsList(source_text);
  const auto target = replwatch::SnapshotsFacts::FromZfsList(target_text);
  const auto parsed = std::chrono::steady_clock::now();
  const replwatch::JobVolumeIndex volumes =
      replwatch::IndexJobVolumes(source.get());
  replwatch::MetricSet out;
  std::size_t aligned = 0;
  for (const auto& [job, datasets] : volumes) {
    const replwatch::VolumeChainInputs inputs{
        job, 0, source.get(), target.get(), nullptr, nullptr};
    for (const auto& volume : datasets) {
      replwatch::RenderVolumeChain(inputs, volume, {{"job_id", job}}, out);
      ++aligned;
    }
  }
  const auto done = std::chrono::steady_clock::now();
  const auto seconds = [](auto a, auto b) {
    return std::chrono::duration<double>(b - a).count();
  };
  std::printf(
      "snapshots=%zu volumes=%zu bytes=%zu parse_s=%.3f align_s=%.3f "
      "total_s=%.3f series=%zu rss_growth_mib=%.1f\n",
      source->snapshot_count() + target->snapshot_count(), aligned,
      source_text.size() + target_text.size(), seconds(start, parsed),
      seconds(parsed, done), seconds(start, done), out.series_count(),
      (MaxRssKib() - rss_before) / 1024.0);
  return 0;
}

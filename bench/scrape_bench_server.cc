// Serves an exposition of N series (shaped like replwatch's own: per-volume
// chain series) from replwatch's HTTP server, the way the daemon serves a
// cached exposition. Also writes the same text to <dir>/replwatch.prom so
// node_exporter's textfile collector can serve identical series.
// Usage: scrape_bench_server <series> <listen-address> <textfile-dir>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "exposition/metric_set.h"
#include "web/http_server.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <series> <listen-address> <textfile-dir>\n",
                 argv[0]);
    return 2;
  }
  const long series = std::stol(argv[1]);
  replwatch::MetricSet set;
  const char* kNames[] = {"replwatch_bench_common_snapshots",
                          "replwatch_bench_source_ahead_snapshots",
                          "replwatch_bench_target_diverged",
                          "replwatch_bench_size_mismatch"};
  for (long i = 0; i < series; ++i) {
    const long volume = i / 4;
    set.Gauge(kNames[i % 4], "Benchmark series shaped like replwatch's.",
              {{"pve_cluster", "bench"},
               {"job_id", std::to_string(100 + volume) + "-0"},
               {"source", "pve" + std::to_string(volume % 50)},
               {"target", "pve" + std::to_string((volume + 1) % 50)},
               {"volume",
                "rpool/data/vm-" + std::to_string(100 + volume) + "-disk-0"}},
              static_cast<double>(i % 7));
  }
  const std::string exposition = set.Serialize();
  std::ofstream(std::string(argv[3]) + "/replwatch.prom") << exposition;

  boost::asio::io_context io;
  replwatch::web::HttpServer server(io, [&](const replwatch::web::Request&) {
    replwatch::web::Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = exposition;
    return response;
  });
  server.Listen({argv[2]});
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) {
    server.Stop();
    io.stop();
  });
  std::printf("ready bytes=%zu\n", exposition.size());
  std::fflush(stdout);
  io.run();
  return 0;
}

// Serves an exposition-like body of about N bytes at /metrics from
// replwatch's HTTP server, as the daemon serves its cached exposition (one
// shared string), optionally behind a web config (TLS, basic auth). The
// target of bench/run-attack-bench.sh.
// Usage: attack_bench_server <bytes> <listen-address> [web-config-file]

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "web/http_server.h"
#include "web/web_config.h"

namespace {

// Sample values vary (a linear congruential sequence), so the body
// compresses like a real exposition, not like one repeated line.
std::string Exposition(std::size_t bytes) {
  std::string text;
  std::uint64_t value = 1;
  for (std::size_t i = 0; text.size() < bytes; ++i) {
    value = value * 6364136223846793005u + 1442695040888963407u;
    text += "replwatch_bench_volume_bytes{pve_cluster=\"bench\",node=\"pve" +
            std::to_string(i % 50) + "\",volume=\"rpool/data/vm-" +
            std::to_string(100 + i) + "-disk-0\"} " +
            std::to_string(value >> 30) + "\n";
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr,
                 "usage: %s <bytes> <listen-address> [web-config-file]\n",
                 argv[0]);
    return 2;
  }
  const auto exposition =
      std::make_shared<const std::string>(Exposition(std::stoul(argv[1])));
  boost::asio::io_context io;
  replwatch::web::HttpServer server(io, [&](const replwatch::web::Request&) {
    replwatch::web::Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.shared_body = exposition;
    return response;
  });
  if (argc == 4) {
    server.SetWebConfig(std::make_shared<const replwatch::web::WebConfig>(
        replwatch::web::LoadWebConfig(argv[3])));
  }
  server.Listen({argv[2]});
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) {
    server.Stop();
    io.stop();
  });
  std::printf("ready bytes=%zu\n", exposition->size());
  std::fflush(stdout);
  io.run();
  return 0;
}

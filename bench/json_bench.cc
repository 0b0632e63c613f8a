// Parses one JSON file with the parser this binary was built with and prints
// the parse time and the process's peak RSS. run-json-bench.sh builds it
// three times: against today's text/json (nlohmann's SAX lexer writing a
// budgeted tape, with the daemon's limits), against nlohmann's own DOM, and
// against the hand-written parser replwatch had before (from git).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#ifdef JSON_BENCH_NLOHMANN_DOM
#include <nlohmann/json.hpp>
#else
#include "text/json.h"
#endif

namespace {

std::size_t Parse(const std::string& text) {
#ifdef JSON_BENCH_NLOHMANN_DOM
  return nlohmann::json::parse(text).size();
#else
  // The daemon's limits; the old parser had no memory budget.
  const replwatch::text::JsonValue doc = replwatch::text::ParseJson(text);
  return doc.is_array() ? doc.AsArray().size() : doc.AsObject().size();
#endif
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary | std::ios::ate);
  std::string text(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  const auto start = std::chrono::steady_clock::now();
  std::size_t items = 0;
  try {
    items = Parse(text);
  } catch (const std::exception& e) {
    std::printf("error=\"%s\" ", e.what());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  std::printf("items=%zu seconds=%.3f input_mib=%.1f peak_rss_mib=%.1f\n",
              items, seconds, text.size() / 1048576.0,
              after.ru_maxrss / 1024.0);
  return 0;
}

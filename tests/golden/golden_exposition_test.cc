// The golden exposition, as node_exporter keeps one: what every node of a
// 3-node lab answered in one `replwatch once` (input/, captured by
// capture_from_lab.py) replayed through every collector and the cluster
// analysis must render metrics.prom byte for byte. A change that moves a
// series shows as a diff of that file in review.
//
// After an intended change: REPLWATCH_UPDATE_GOLDEN=1 ./golden_exposition_test
// rewrites metrics.prom; review and commit the diff.

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "analysis/cluster_view.h"
#include "analysis/cross_node.h"
#include "collectors/collector.h"
#include "testing/catch.h"
#include "testing/scripted_transport.h"

namespace replwatch {
namespace {

const std::string kGolden = REPLWATCH_SOURCE_DIR "/tests/golden/";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Each entry: "<argv>\t<exit>\t<stdout bytes>\t<stderr bytes>\n" and the
// bytes of both.
void LoadTranscript(const std::string& path,
                    testing::ScriptedTransport& transport) {
  const std::string text = ReadFile(path);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t eol = text.find('\n', at);
    REQUIRE(eol != std::string::npos);
    std::istringstream header(text.substr(at, eol - at));
    std::string argv, exit_status, out_bytes, err_bytes;
    std::getline(header, argv, '\t');
    header >> exit_status >> out_bytes >> err_bytes;
    const std::size_t out_size = std::stoul(out_bytes);
    const std::size_t err_size = std::stoul(err_bytes);
    REQUIRE(eol + 1 + out_size + err_size <= text.size());
    transport.Answer(argv, text.substr(eol + 1, out_size),
                     std::stoi(exit_status),
                     text.substr(eol + 1 + out_size, err_size));
    at = eol + 1 + out_size + err_size;
  }
}

std::string RenderLab() {
  const double now = std::stod(ReadFile(kGolden + "input/clock"));
  const Clock clock = [now] { return now; };
  std::vector<NodeConfig> nodes;
  for (int i = 1; i <= 3; ++i) {
    NodeConfig node;
    node.cluster = "lab";
    node.name = "pve" + std::to_string(i);
    node.address = "198.18.0." + std::to_string(10 + i);
    nodes.push_back(node);
  }
  ClusterView view("lab", now);
  MetricSet out;
  for (const NodeConfig& node : nodes) {
    testing::ScriptedTransport transport;
    LoadTranscript(kGolden + "input/" + node.name + ".transcript", transport);
    testing::TestContext context;
    context.node = node;
    for (const NodeConfig& peer : nodes) {
      if (peer.name != node.name) {
        context.peers.push_back({peer.name, peer.address});
      }
    }
    for (const auto& collector : MakeAllCollectors(clock)) {
      const std::string name(collector->name());
      INFO(node.name << " " << name);
      const auto facts = collector->Collect(transport, context.Get());
      context.latest[name] = facts;
      view.Add(node.name, name, facts);
      facts->Render({{"pve_cluster", "lab"}, {"node", node.name}}, out);
    }
  }
  RenderCrossNode(AnalyzeCluster(view), out);
  return out.Serialize();
}

TEST_CASE("the lab's answers render the golden exposition", "[golden]") {
  const std::string rendered = RenderLab();
  const std::string path = kGolden + "metrics.prom";
  const char* update = std::getenv("REPLWATCH_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << rendered;
  }
  const std::string golden = ReadFile(path);
  if (rendered == golden) return;
  // Name the first line that differs: the whole text is too long to read.
  std::istringstream a(rendered), b(golden);
  std::string line_a, line_b;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (line_a != line_b || more_a != more_b) {
      FAIL("metrics.prom line " << line << ":\n  golden:   " << line_b
                                << "\n  rendered: " << line_a
                                << "\nREPLWATCH_UPDATE_GOLDEN=1 rewrites it");
    }
  }
}

}  // namespace
}  // namespace replwatch

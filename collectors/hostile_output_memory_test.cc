// Issue 18: one node's output of the cap's size, however hostile, costs a
// bounded amount of memory, with 8 nodes collecting at once. Each TEST_CASE
// runs in its own process (CTest registers them one by one), so the peak
// RSS it reads is its own.
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "collectors/collector.h"
#include "testing/catch.h"
#include "testing/scripted_transport.h"

namespace replwatch {
namespace {

constexpr std::size_t kCap = 64ull << 20;  // TransportLimits::max_output_bytes
constexpr int kNodes = 8;
// The stated bound: per node, four times the cap (its output, a copy, and
// the parser's tree within JsonLimits::max_tree_bytes).
constexpr std::size_t kBoundPerNode = 4 * kCap;

// Answers every command with the same output, as a node whose every tool
// prints it; each answer is a fresh copy, as a real read would be.
class HostileTransport : public Transport {
 public:
  explicit HostileTransport(std::shared_ptr<const std::string> out)
      : out_(std::move(out)) {}
  CommandResult Run(const RemoteCommand&) override {
    CommandResult result;
    result.out = *out_;
    result.exit_status = 0;
    return result;
  }
  void Cancel() override {}

 private:
  std::shared_ptr<const std::string> out_;
};

std::size_t StatusKib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stoull(line.substr(field.size() + 1));
    }
  }
  FAIL("no " << field << " in /proc/self/status");
  return 0;
}

// Output of just under the cap made of `unit` repeated, inside `open` and
// `close`.
std::shared_ptr<const std::string> Fill(const std::string& open,
                                        const std::string& unit,
                                        const std::string& close) {
  auto text = std::make_shared<std::string>(open);
  text->reserve(kCap);
  while (text->size() + unit.size() + close.size() < kCap) *text += unit;
  *text += close;
  return text;
}

// Runs every collector on kNodes nodes at once against `output`; returns
// the peak RSS growth in bytes over the RSS before the nodes started.
std::size_t PeakGrowthOfCollection(std::shared_ptr<const std::string> output) {
  const std::size_t before = StatusKib("VmRSS");
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.emplace_back([output] {
      HostileTransport transport(output);
      testing::TestContext context;
      context.node.name = "pve1";
      for (const auto& collector : MakeAllCollectors()) {
        try {
          const auto facts = collector->Collect(transport, context.Get());
          MetricSet set;
          if (facts) facts->Render({{"node", "pve1"}}, set);
          set.Serialize();
        } catch (const std::exception&) {
          // Refusing the output is one right answer; memory is the question.
        }
      }
    });
  }
  for (auto& node : nodes) node.join();
  const std::size_t peak = StatusKib("VmHWM");
  const std::size_t growth = peak > before ? (peak - before) * 1024 : 0;
  WARN("peak RSS growth " << growth / (1 << 20) << " MiB for " << kNodes
                          << " nodes (bound "
                          << kNodes * kBoundPerNode / (1 << 20) << " MiB)");
  return growth;
}

}  // namespace

TEST_CASE("memory: a JSON array of 32 million zeros on 8 nodes") {
  CHECK(PeakGrowthOfCollection(Fill("[", "0,", "0]")) <=
        kNodes * kBoundPerNode);
}

TEST_CASE("memory: a JSON array of 16 million empty objects on 8 nodes") {
  CHECK(PeakGrowthOfCollection(Fill("[", "{},", "{}]")) <=
        kNodes * kBoundPerNode);
}

TEST_CASE("memory: 32 million one-character lines on 8 nodes") {
  CHECK(PeakGrowthOfCollection(Fill("", "a\n", "")) <= kNodes * kBoundPerNode);
}

TEST_CASE("memory: 4 million tab-separated rows on 8 nodes") {
  CHECK(PeakGrowthOfCollection(Fill("", "a\tb\t1\t2\t3\t4\t5\t-\n", "")) <=
        kNodes * kBoundPerNode);
}

TEST_CASE("memory: one 64 MiB line on 8 nodes") {
  CHECK(PeakGrowthOfCollection(Fill("", "x", "\n")) <= kNodes * kBoundPerNode);
}

TEST_CASE("memory: 1 million pools in zpool status on 8 nodes") {
  CHECK(PeakGrowthOfCollection(Fill(
            "",
            "  pool: p\n state: ONLINE\nconfig:\n\n\tNAME STATE READ WRITE "
            "CKSUM\n\tp ONLINE 0 0 0\n\nerrors: No known data errors\n",
            "")) <= kNodes * kBoundPerNode);
}

}  // namespace replwatch

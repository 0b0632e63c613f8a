#include "collectors/node.h"

#include <cmath>

#include "testing/catch.h"
#include "testing/scripted_transport.h"
#include "transport/local_transport.h"

namespace replwatch {
namespace {

TEST_CASE("node collector reads this machine's clock through a transport",
          "[node]") {
  LocalTransport transport(TransportLimits{});
  NodeCollector collector;
  NodeConfig node;
  const std::vector<PeerNode> peers;
  const CollectContext context{node, peers, [](std::string_view) {
                                 return std::shared_ptr<const Facts>();
                               }};
  const auto facts = collector.Collect(transport, context);
  MetricSet set;
  facts->Render({{"pve_cluster", "c"}, {"node", "self"}}, set);
  const std::string text = set.Serialize();
  const auto at = text.find(
      "replwatch_node_clock_offset_seconds{pve_cluster=\"c\",node=\"self\"} ");
  REQUIRE(at != std::string::npos);
  // Same clock on both ends: the measured offset is a small fraction of a
  // second (a sanity bound, not a timing assertion).
  const double offset = std::stod(text.substr(text.find("} ", at) + 2));
  CHECK(std::fabs(offset) < 1.0);
}

TEST_CASE("a zfs version that cannot be read costs the version, not the node",
          "[node]") {
  testing::ScriptedTransport transport;
  transport.Answer("date +%s.%N", "1764000000.25\n");
  transport.Answer("zfs version", "zfs-\xC3\xA9\n");
  transport.Answer("pveversion",
                   "pve-manager/9.2.20/0123456789abcdef (running kernel: "
                   "7.0.14-1-pve)\n");
  NodeCollector collector;
  const auto facts = collector.Collect(transport, testing::TestContext().Get());
  const std::string text = testing::RenderText(*facts);
  CHECK(text.find("replwatch_node_zfs_info") == std::string::npos);
  CHECK(text.find("replwatch_node_pve_info{pve_cluster=\"lab\",node=\"pve1\","
                  "version=\"9.2.20\"} 1") != std::string::npos);
  REQUIRE(facts->warnings.size() == 1);
  CHECK_THAT(facts->warnings.front().message,
             Catch::Matchers::ContainsSubstring("is not a version"));
}

}  // namespace
}  // namespace replwatch

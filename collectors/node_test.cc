#include "collectors/node.h"

#include "testing/catch.h"
#include <cmath>

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

}  // namespace
}  // namespace replwatch

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
  FirstSightings first_sightings;
  const CollectContext context{
      node, peers,
      [](std::string_view) { return std::shared_ptr<const Facts>(); },
      first_sightings};
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

constexpr char kPve8[] =
    "pve-manager/8.4.11/14a32011 (running kernel: 6.8.12-13-pve)\n";
constexpr char kPve9[] =
    "pve-manager/9.2.20/49318c671b82f31e (running kernel: 7.0.14-17-pve)\n";

std::size_t TimesRun(const testing::ScriptedTransport& transport,
                     const std::string& command) {
  std::size_t n = 0;
  for (const auto& run : transport.commands_run()) n += run == command;
  return n;
}

TEST_CASE(
    "the package list is read again only when pveversion changes or "
    "after an hour",
    "[node]") {
  double now = 1764000000;
  testing::ScriptedTransport transport;
  transport.Answer("date +%s.%N", "1764000000.25\n");
  transport.Answer("zfs version", "zfs-2.2.8-pve1\nzfs-kmod-2.2.8-pve1\n");
  transport.Answer("pveversion", kPve8);
  transport.Answer("pveversion -v",
                   "proxmox-ve: 8.4.0 (running kernel: 6.8.12-13-pve)\n"
                   "pve-manager: 8.4.11 (running version: 8.4.11/14a32011)\n"
                   "libpve-storage-perl: 8.3.7\n"
                   "libjs-extjs: 7.0.0-5\n");
  NodeCollector collector([&now] { return now; });
  const auto context = testing::TestContext().Get();

  auto facts = std::static_pointer_cast<const NodeFacts>(
      collector.Collect(transport, context));
  CHECK(facts->StorageVersion() == "8.3.7");
  // Only the packages that replicate become series.
  CHECK(facts->packages.count("libjs-extjs") == 0);
  const std::string text = testing::RenderText(*facts);
  CHECK(
      text.find("replwatch_node_package_info{pve_cluster=\"lab\",node=\"pve1\","
                "package=\"libpve-storage-perl\",version=\"8.3.7\"} 1") !=
      std::string::npos);

  now += 600;
  facts = std::static_pointer_cast<const NodeFacts>(
      collector.Collect(transport, context));
  CHECK(TimesRun(transport, "pveversion -v") == 1);
  CHECK(facts->StorageVersion() == "8.3.7");

  // An upgrade shows in `pveversion`: the list is read in the same cycle.
  transport.Answer("pveversion", kPve9);
  transport.Answer("pveversion -v",
                   "pve-manager: 9.2.20 (running version: 9.2.20/4931)\n"
                   "libpve-storage-perl: 9.1.10\n");
  facts = std::static_pointer_cast<const NodeFacts>(
      collector.Collect(transport, context));
  CHECK(TimesRun(transport, "pveversion -v") == 2);
  CHECK(facts->StorageVersion() == "9.1.10");

  // A package upgraded alone shows within the hour.
  transport.Answer("pveversion -v",
                   "pve-manager: 9.2.20 (running version: 9.2.20/4931)\n"
                   "libpve-storage-perl: 9.1.11\n");
  now += NodeCollector::kPackagesMaxAgeSeconds;
  facts = std::static_pointer_cast<const NodeFacts>(
      collector.Collect(transport, context));
  CHECK(TimesRun(transport, "pveversion -v") == 3);
  CHECK(facts->StorageVersion() == "9.1.11");
}

TEST_CASE(
    "a package list that cannot be read is warned about and read again "
    "next cycle",
    "[node]") {
  testing::ScriptedTransport transport;
  transport.Answer("date +%s.%N", "1764000000.25\n");
  transport.Answer("zfs version", "zfs-2.4.4-pve1\nzfs-kmod-2.4.4-pve1\n");
  transport.Answer("pveversion", kPve9);
  transport.Answer("pveversion -v", "Unknown option: v\n");
  NodeCollector collector;
  const auto context = testing::TestContext().Get();
  auto facts = std::static_pointer_cast<const NodeFacts>(
      collector.Collect(transport, context));
  CHECK(facts->pve.has_value());
  CHECK(facts->packages.empty());
  REQUIRE(facts->warnings.size() == 1);
  CHECK_THAT(facts->warnings.front().message,
             Catch::Matchers::ContainsSubstring("no pve-manager line"));
  facts = std::static_pointer_cast<const NodeFacts>(
      collector.Collect(transport, context));
  CHECK(TimesRun(transport, "pveversion -v") == 2);
}

}  // namespace
}  // namespace replwatch

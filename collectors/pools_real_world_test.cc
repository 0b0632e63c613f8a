#include "collectors/parsers/test_fixtures.h"
#include "collectors/pools.h"
#include "testing/catch.h"
#include "testing/exposition_checks.h"
#include "testing/scripted_transport.h"

// The pools collector on real `zpool status` / `zpool list` output posted by
// users and projects (read in place, see fixtures/real-world/INDEX.md).
namespace replwatch {
namespace {

using parsers::testing::FixtureFiles;
using parsers::testing::ReadFixture;
using parsers::testing::RealWorldDir;
using testing::CheckPromtoolClean;
using testing::SampleCount;
using testing::SampleValue;
using testing::ScriptedTransport;

constexpr char kList[] =
    "zpool list -Hp -o name,size,alloc,free,cap,frag,health";
constexpr char kStatus[] = "zpool status -p";
constexpr char kGet[] = "zpool get -Hp -o name,property,value all";

std::shared_ptr<const PoolsFacts> Collect(ScriptedTransport& transport) {
  PoolsCollector collector;
  testing::TestContext context;
  auto facts = std::dynamic_pointer_cast<const PoolsFacts>(
      collector.Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  return facts;
}

TEST_CASE("pools: every real-world zpool status sample renders cleanly",
          "[pools][real-world]") {
  for (const auto& path : FixtureFiles("zpool-status")) {
    const std::string sample = ReadFixture(path);
    if (sample.find("\"output_version\"") != std::string::npos) continue;
    INFO(path.filename().string());
    ScriptedTransport transport;
    transport.Answer(kList, "");
    transport.Answer(kStatus, sample);
    transport.Answer(kGet, "");
    const auto facts = Collect(transport);
    CHECK_FALSE(facts->pools.empty());
    const std::string text = testing::RenderText(*facts);
    CheckPromtoolClean(text);
    // One current state per pool: its one-hot row (or extra row) is 1.
    std::size_t current = 0;
    for (const PoolInfo& pool : facts->pools) {
      current +=
          SampleValue(text,
                      "replwatch_pool_health{pve_cluster=\"lab\","
                      "node=\"pve1\",pool=\"" +
                          pool.name + "\",state=\"" + pool.health + "\"}") == 1;
    }
    CHECK(current == facts->pools.size());
  }
}

std::shared_ptr<const PoolsFacts> FromStatusSample(const std::string& name) {
  ScriptedTransport transport;
  transport.Answer(kList, "");
  transport.Answer(kStatus,
                   ReadFixture(RealWorldDir("zpool-status") / (name + ".txt")));
  transport.Answer(kGet, "");
  return Collect(transport);
}

TEST_CASE("pools: real-world error counts and unknown data errors",
          "[pools][real-world]") {
  const auto overflow =
      FromStatusSample("danjl-degraded-unavail-guid-was-cksum100980");
  REQUIRE(overflow->pools.size() == 1);
  std::uint64_t max_checksum = 0;
  for (const VdevRow& vdev : overflow->pools[0].vdevs) {
    max_checksum = std::max(max_checksum, vdev.checksum);
  }
  CHECK(max_checksum == 100980);
  // A device known only by its GUID keeps the path ZFS remembers.
  const std::string text = testing::RenderText(*overflow);
  CHECK(
      SampleValue(text,
                  "replwatch_pool_vdev_state{pve_cluster=\"lab\",node=\"pve1\","
                  "pool=\"mypool\",vdev=\"12345678901234567890 (was "
                  "/dev/disk/by-id/ata-ST8000DM004-xxxxxx_redacted-part1)\","
                  "state=\"UNAVAIL\"}") == 1);
  CHECK(overflow->pools[0].health == "DEGRADED");

  const auto suspended =
      FromStatusSample("kolkhis-pve-suspended-stripe-faulted-67-data-errors");
  CHECK(suspended->pools.at(0).data_errors == 67u);
  CHECK(suspended->pools.at(0).health == "SUSPENDED");

  const auto unavailable =
      FromStatusSample("kolkhis-pve-suspended-v-list-unavailable");
  CHECK_FALSE(unavailable->pools.at(0).data_errors);
  CHECK(SampleCount(testing::RenderText(*unavailable),
                    "replwatch_pool_data_errors") == 0);

  // The count line after "List of errors unavailable" still counts.
  const auto counted = FromStatusSample("danjl-online-data-corruption-1-error");
  CHECK(counted->pools.at(0).data_errors == 1u);

  CHECK(FromStatusSample("jc-macos-three-pools-no-blank-lines")->pools.size() ==
        3);
}

TEST_CASE("pools: real-world zpool list samples through the human parser",
          "[pools][real-world]") {
  const auto listing = parsers::ParseZpoolListHuman(
      ReadFixture(RealWorldDir("zpool-list") /
                  "openzfs-man-zpool-list-faulted-pool-dashes.txt"));
  const auto facts = BuildPoolsFacts(listing, {}, {});
  REQUIRE(facts->pools.size() == 3);
  const PoolInfo* zion = facts->Find("zion");
  REQUIRE(zion != nullptr);
  CHECK(zion->health == "FAULTED");
  CHECK_FALSE(zion->size_bytes);
  const PoolInfo* tank = facts->Find("tank");
  REQUIRE(tank != nullptr);
  CHECK(tank->capacity_ratio == Approx(0.32));
  CHECK(tank->fragmentation_ratio == Approx(0.48));
  const std::string text = testing::RenderText(*facts);
  CheckPromtoolClean(text);
  CHECK(SampleCount(text, "replwatch_pool_size_bytes") == 2);
  CHECK(SampleValue(text,
                    "replwatch_pool_health{pve_cluster=\"lab\",node="
                    "\"pve1\",pool=\"zion\",state=\"FAULTED\"}") == 1);
}

}  // namespace
}  // namespace replwatch

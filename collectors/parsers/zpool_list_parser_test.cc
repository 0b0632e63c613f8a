#include "collectors/parsers/zpool_list_parser.h"

#include <map>

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

ZpoolList ParseAnyList(const std::string& text) {
  return text.find('{') != std::string::npos ? ParseZpoolListJson(text)
                                             : ParseZpoolListHuman(text);
}

TEST_CASE("zpool list: every real-world fixture", "[zpool_list]") {
  // pool count and health of the first pool, from INDEX.md
  const std::map<std::string, std::pair<std::size_t, std::string>> expected = {
      {"2davi-pve-local-zfs-single-pool", {1, "ONLINE"}},
      {"openzfs-man-zpool-list-faulted-pool-dashes", {3, "ONLINE"}},
      {"openzfs-man-zpool-list-j-json", {1, "ONLINE"}},
      {"openzfs-man-zpool-list-v-expandsz", {1, "ONLINE"}},
  };
  std::size_t checked = 0;
  for (const auto& path : testing::FixtureFiles("zpool-list")) {
    INFO(path.filename().string());
    ZpoolList list;
    REQUIRE_NOTHROW(list = ParseAnyList(testing::ReadFixture(path)));
    CHECK(list.warnings.empty());
    const auto it = expected.find(path.stem().string());
    if (it == expected.end()) continue;
    ++checked;
    REQUIRE(list.pools.size() == it->second.first);
    CHECK(list.pools[0].health == it->second.second);
  }
  CHECK(checked == expected.size());
}

TEST_CASE("zpool list: PVE single pool, human format", "[zpool_list]") {
  const ZpoolList list = ParseZpoolListHuman(
      testing::ReadFixture(testing::RealWorldDir("zpool-list") /
                           "2davi-pve-local-zfs-single-pool.txt"));
  REQUIRE(list.pools.size() == 1);
  const PoolListEntry& pool = list.pools[0];
  CHECK(pool.name == "local-zfs");
  CHECK(pool.size_bytes == static_cast<std::uint64_t>(99.5 * (1ULL << 30)));
  CHECK(pool.capacity_ratio == Approx(0.03));
  CHECK(pool.fragmentation_ratio == Approx(0.01));
  CHECK(pool.approximate);
}

TEST_CASE("zpool list: faulted pool has no values", "[zpool_list]") {
  const ZpoolList list = ParseZpoolListHuman(
      testing::ReadFixture(testing::RealWorldDir("zpool-list") /
                           "openzfs-man-zpool-list-faulted-pool-dashes.txt"));
  const PoolListEntry& zion = list.pools.at(2);
  CHECK(zion.name == "zion");
  CHECK(zion.health == "FAULTED");
  CHECK_FALSE(zion.size_bytes.has_value());
  CHECK_FALSE(zion.capacity_ratio.has_value());
}

TEST_CASE("zpool list -Hp", "[zpool_list]") {
  const ZpoolList list =
      ParseZpoolList(testing::ReadTestdata("zpool-list-Hp.txt"));
  CHECK(list.warnings.empty());
  REQUIRE(list.pools.size() == 3);
  CHECK(list.pools[0].size_bytes == 3985729650688u);
  CHECK(list.pools[0].allocated_bytes == 1203982336u);
  CHECK(list.pools[0].free_bytes == 3984525668352u);
  CHECK(list.pools[0].capacity_ratio == Approx(0.0));
  CHECK(list.pools[0].fragmentation_ratio == Approx(0.01));
  CHECK_FALSE(list.pools[0].approximate);
  CHECK(list.pools[1].health == "FAULTED");
  CHECK_FALSE(list.pools[1].free_bytes.has_value());
  CHECK(list.pools[2].capacity_ratio == Approx(0.03));  // old ZoL "3%"
}

TEST_CASE("zpool list: an absurd capacity is unknown, not exported",
          "[zpool_list]") {
  const ZpoolList list =
      ParseZpoolList("rpool\t100\t50\t50\t1.8e308\t-5\tONLINE\n");
  REQUIRE(list.pools.size() == 1);
  CHECK_FALSE(list.pools[0].capacity_ratio.has_value());
  CHECK_FALSE(list.pools[0].fragmentation_ratio.has_value());
  CHECK(list.warnings.size() == 2);
}

TEST_CASE("zpool list: malformed input", "[zpool_list]") {
  CHECK(ParseZpoolList("").pools.empty());
  CHECK_THROWS_AS(ParseZpoolList("tank 1 2 3 4 5 ONLINE\n"), text::ParseError);
  CHECK_THROWS_AS(ParseZpoolList("tank\t1\t2\t3\t4\t5\tONLINE\textra\n"),
                  text::ParseError);
  CHECK_THROWS_AS(ParseZpoolList(std::string("t\t1\t2\t3\t4\t5\tON\0LINE", 19)),
                  text::ParseError);
  const ZpoolList odd = ParseZpoolList("t\t1,5G\t2\t3\t4\tx\tONLINE\n");
  CHECK_FALSE(odd.pools[0].size_bytes.has_value());
  CHECK_FALSE(odd.pools[0].fragmentation_ratio.has_value());
  CHECK(odd.warnings.size() == 2);
  CHECK_THROWS_AS(ParseZpoolListHuman("tank 1 2\n"), text::ParseError);
  CHECK(ParseZpoolListHuman("no pools available\n").pools.empty());
  CHECK(ParseZpoolListHuman("NAME SIZE HEALTH\nt 1G\n").warnings.size() == 1);
  CHECK_THROWS_AS(ParseZpoolListJson("[]"), text::ParseError);
}

}  // namespace
}  // namespace replwatch::parsers

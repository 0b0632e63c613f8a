#include "collectors/parsers/zfs_snapshot_list_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "collectors/parsers/parse_error.h"
#include "collectors/parsers/test_fixtures.h"

namespace replwatch::parsers {
namespace {

// Every line of `text`, which must outlive the result.
std::vector<SnapshotLine> ReadAll(std::string_view text,
                                  std::size_t required_columns = 0) {
  ZfsSnapshotListReader reader(text, required_columns);
  std::vector<SnapshotLine> lines;
  SnapshotLine line;
  while (reader.Next(&line)) lines.push_back(line);
  return lines;
}

TEST_CASE("snapshot list with creation column", "[zfs_snapshot_list]") {
  const std::string text =
      testing::ReadTestdata("zfs-list-snapshots-creation.txt");
  const auto snaps = ReadAll(text);
  REQUIRE(snaps.size() == 4);
  CHECK(snaps[0].dataset == "tank/data");
  CHECK(snaps[0].snapshot == "autosnap_2025-01-01_00:00:00_daily");
  CHECK(snaps[0].guid == 9266512338423463169ULL);
  CHECK(snaps[0].createtxg == 1234567u);
  CHECK(snaps[0].creation == 1735689600);
  CHECK(snaps[2].guid == 18446744073709551615ULL);
  CHECK(snaps[3].dataset == "my pool/with space");
  CHECK(snaps[3].snapshot == "snap 1");
  CHECK_FALSE(snaps[3].creation.has_value());
}

TEST_CASE("snapshot list with three columns, CRLF and blank lines",
          "[zfs_snapshot_list]") {
  const auto snaps = ReadAll("a/b@s1\t11\t100\r\n\nc@s2\t12\t101");
  REQUIRE(snaps.size() == 2);
  CHECK(snaps[0].dataset == "a/b");
  CHECK(snaps[0].snapshot == "s1");
  CHECK_FALSE(snaps[0].creation.has_value());
  CHECK(snaps[1].dataset == "c");
  CHECK(snaps[1].createtxg == 101u);
  CHECK(ReadAll("").empty());
}

TEST_CASE("snapshot list rejects malformed lines with their number",
          "[zfs_snapshot_list]") {
  struct Case {
    std::string text;
    std::size_t line;
  };
  const Case cases[] = {
      {"a@s\t1\t2\nb@s\t1\n", 2},             // too few columns
      {"a@s\t1\t2\t3\t4\n", 1},               // too many
      {"a@s\t1\t2\t3\nb@s\t1\t2\n", 2},       // column count changed
      {"a@s\t1\t2\n\nb\t1\t2\n", 3},          // no '@'
      {"a@s@t\t1\t2\n", 1},                   // two '@'
      {"@s\t1\t2\n", 1},                      // empty dataset
      {"a@\t1\t2\n", 1},                      // empty snapshot
      {"a@s\t-1\t2\n", 1},                    // negative guid
      {"a@s\t18446744073709551616\t2\n", 1},  // guid overflow
      {"a@s\t1\t2x\n", 1},                    // garbage txg
      {"a@s\t1\t2\t1,5\n", 1},                // decimal comma
      {"a@s  1  2\n", 1},                     // spaces instead of tabs
      {"a@s\t1\t2\t\n", 1},                   // trailing tab
      {std::string("a@s\t1\t2\nb@s\t1\0\t2\n", 17), 2},  // NUL byte
  };
  for (const Case& c : cases) {
    INFO(c.text);
    try {
      ReadAll(c.text);
      FAIL("expected ParseError");
    } catch (const ParseError& e) {
      CHECK(e.line() == c.line);
    }
  }
}

TEST_CASE("snapshot list with a required column count",
          "[zfs_snapshot_list]") {
  CHECK(ReadAll("a@s\t1\t2\t3\n", 4).size() == 1);
  try {
    ReadAll("\na@s\t1\t2\n", 4);
    FAIL("expected ParseError");
  } catch (const ParseError& e) {
    CHECK(e.line() == 2u);
    CHECK_THAT(e.what(), Catch::Contains("expected 4 TAB-separated columns"));
  }
}

TEST_CASE("snapshot list survives a huge line", "[zfs_snapshot_list]") {
  const std::string huge = std::string(1 << 20, 'x') + "@s\t1\t2\n";
  const auto snaps = ReadAll(huge);
  REQUIRE(snaps.size() == 1);
  CHECK(snaps[0].dataset.size() == (1u << 20));
}

TEST_CASE("replication snapshot names", "[zfs_snapshot_list]") {
  const auto name =
      ParseReplicationSnapshotName("__replicate_100-0_1736506800__");
  REQUIRE(name);
  CHECK(name->job_id == "100-0");
  CHECK(name->timestamp == 1736506800);
  CHECK(
      ParseReplicationSnapshotName("__replicate_192-10_1703571544__")->job_id ==
      "192-10");
  for (const char* bad :
       {"__replicate_100-0_1736506800_", "autosnap", "__replicate__",
        "__replicate_100_1736506800__", "__replicate_100-0_x__",
        "__replicate_a-0_1__", "__replicate_100-0___", "__migration__"}) {
    INFO(bad);
    CHECK_FALSE(ParseReplicationSnapshotName(bad).has_value());
  }
}

}  // namespace
}  // namespace replwatch::parsers

#include "collectors/parsers/zfs_snapshot_list_parser.h"

#include <string>
#include <vector>

#include "collectors/parsers/snapshot_list_outcome.h"
#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"
#include "text/parse_error.h"

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
    } catch (const text::ParseError& e) {
      CHECK(e.line() == c.line);
    }
  }
}

TEST_CASE("snapshot list with a required column count", "[zfs_snapshot_list]") {
  CHECK(ReadAll("a@s\t1\t2\t3\n", 4).size() == 1);
  try {
    ReadAll("\na@s\t1\t2\n", 4);
    FAIL("expected ParseError");
  } catch (const text::ParseError& e) {
    CHECK(e.line() == 2u);
    CHECK_THAT(e.what(), Catch::Matchers::ContainsSubstring(
                             "expected 4 TAB-separated columns"));
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

// Listings built from pieces near every edge the reader's fast path tests:
// names sharing prefixes, stray '@', blanks and '\r', numbers at the 64-bit
// limits, signs, column counts, line endings, a NUL. Each piece is an odd
// one now and then, so that many listings are also valid.
std::string RandomListing(std::uint64_t* state) {
  const auto next = [state](std::size_t n) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return static_cast<std::size_t>(*state % n);
  };
  const auto pick = [&next](const std::vector<std::string>& usual,
                            const std::vector<std::string>& odd) {
    return next(12) == 0 ? odd[next(odd.size())] : usual[next(usual.size())];
  };
  static const std::vector<std::string> kDatasets = {
      "rpool/data/vm-100-disk-0", "rpool/data/vm-100-disk-0x",
      "rpool/data/vm-100-disk", "a", "my pool/with space"};
  static const std::vector<std::string> kOddDatasets = {" a", "a ", "a@b", ""};
  static const std::vector<std::string> kSnapshots = {
      "s", "__replicate_100-0_5__", "snap 1"};
  static const std::vector<std::string> kOddSnapshots = {"x@y", "", " s", "s ",
                                                         "s\r"};
  static const std::vector<std::string> kOddNumbers = {"0",
                                                       "18446744073709551615",
                                                       "18446744073709551616",
                                                       "-1",
                                                       "-",
                                                       "007",
                                                       "1x",
                                                       "",
                                                       " 1",
                                                       "1,5",
                                                       "9223372036854775807",
                                                       "9223372036854775808",
                                                       "-9223372036854775808",
                                                       "99999999999999999999",
                                                       std::string("1\0"
                                                                   "2",
                                                                   3)};
  static const std::vector<std::string> kEndings = {"\n"};
  static const std::vector<std::string> kOddEndings = {"\r\n", "\n\n", ""};
  static const std::vector<std::string> kTab = {"\t"};
  static const std::vector<std::string> kOddTab = {" ", "\t\t"};
  const std::size_t columns = next(8) == 0 ? 2 + next(4) : 4;
  std::string text;
  const std::size_t lines = 1 + next(6);
  for (std::size_t i = 0; i < lines; ++i) {
    text +=
        pick(kDatasets, kOddDatasets) + "@" + pick(kSnapshots, kOddSnapshots);
    const std::size_t fields = columns + (next(30) == 0 ? 1 : 0);
    for (std::size_t c = 1; c < fields; ++c) {
      text += pick(kTab, kOddTab);
      text += pick({std::to_string(*state >> next(64))}, kOddNumbers);
    }
    text += pick(kEndings, kOddEndings);
  }
  if (next(20) == 0) text[next(text.size())] = '\0';
  return text;
}

TEST_CASE("the reader accepts and refuses exactly what ParseSnapshotLine does",
          "[zfs_snapshot_list]") {
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  std::size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string text = RandomListing(&state);
    for (const std::size_t columns : {0, 3, 4}) {
      const std::string expected = testing::ReferenceOutcome(text, columns);
      INFO("listing '" << text << "' columns " << columns);
      REQUIRE(testing::ReaderOutcome(text, columns) == expected);
      accepted += expected.find("error") == std::string::npos;
    }
  }
  // Both outcomes must have been compared many times.
  CHECK(accepted > 6000);
  CHECK(accepted < 54000);
}

TEST_CASE("lines of one dataset in a row share its view",
          "[zfs_snapshot_list]") {
  const auto snaps =
      ReadAll("a/b@s1\t1\t10\t5\na/b@s2\t2\t11\t6\na/bc@s3\t3\t12\t7\n");
  REQUIRE(snaps.size() == 3);
  CHECK(snaps[1].dataset.data() == snaps[0].dataset.data());
  CHECK(snaps[2].dataset == "a/bc");
}

}  // namespace
}  // namespace replwatch::parsers

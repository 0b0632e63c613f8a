#include "collectors/parsers/pvesr_status_parser.h"

#include <map>

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

struct ExpectedRow {
  std::string job_id, target, last_sync, next_sync, state;
};

TEST_CASE("pvesr status: every real-world fixture", "[pvesr_status]") {
  // first row of each file, from INDEX.md
  const std::map<std::string, std::pair<std::size_t, ExpectedRow>> expected = {
      {"andy-new-job-never-synced-pending",
       {1, {"100-0", "pve2", "-", "pending", "OK"}}},
      {"andy-first-sync-syncing",
       {1, {"100-0", "pve2", "-", "2025-12-27_21:10:00", "SYNCING"}}},
      {"andy-first-sync-ok",
       {1,
        {"100-0", "pve2", "2025-12-27_21:11:16", "2025-12-27_21:15:00", "OK"}}},
      {"andy-two-jobs-two-targets",
       {2,
        {"100-0", "pve2", "2025-12-27_21:12:16", "2025-12-27_21:15:00", "OK"}}},
      {"andy-after-failover-direction-reversed",
       {1,
        {"100-1", "pve1", "2025-12-27_21:46:11", "2025-12-27_22:00:00", "OK"}}},
      {"2davi-syncing-stuck-never-synced",
       {2, {"301-0", "pve-ksy", "-", "pending", "SYNCING"}}},
      {"2davi-recovered-two-jobs-ok",
       {2,
        {"301-0", "pve-ksy", "2026-04-14_10:36:56", "2026-04-14_10:40:00",
         "OK"}}},
  };
  std::size_t checked = 0;
  for (const auto& path : testing::FixtureFiles("pvesr")) {
    INFO(path.filename().string());
    PvesrStatus status;
    REQUIRE_NOTHROW(status = ParsePvesrStatus(testing::ReadFixture(path)));
    CHECK(status.warnings.empty());
    REQUIRE_FALSE(status.rows.empty());
    for (const PvesrStatusRow& row : status.rows) {
      CHECK(row.fail_count == 0u);
      CHECK(row.enabled);
    }
    const auto it = expected.find(path.stem().string());
    if (it == expected.end()) continue;
    ++checked;
    const auto& [count, want] = it->second;
    CHECK(status.rows.size() == count);
    const PvesrStatusRow& row = status.rows[0];
    CHECK(row.job_id == want.job_id);
    CHECK(row.target == want.target);
    CHECK(row.last_sync_text == want.last_sync);
    CHECK(row.last_sync.has_value() == (want.last_sync != "-"));
    CHECK(row.next_sync_text == want.next_sync);
    CHECK(row.next_sync_pending == (want.next_sync == "pending"));
    CHECK(row.state == want.state);
  }
  CHECK(checked == expected.size());
}

TEST_CASE("pvesr status: durations and SYNCING", "[pvesr_status]") {
  const PvesrStatus two = ParsePvesrStatus(testing::ReadFixture(
      testing::RealWorldDir("pvesr") / "andy-two-jobs-two-targets.txt"));
  CHECK(two.rows.at(1).duration_seconds == Approx(77.550764));
  CHECK(two.rows.at(1).target == "pve3");
  const PvesrStatus syncing = ParsePvesrStatus(testing::ReadFixture(
      testing::RealWorldDir("pvesr") / "andy-first-sync-syncing.txt"));
  CHECK(syncing.rows.at(0).syncing());
  CHECK_FALSE(syncing.rows.at(0).duration_seconds.has_value());
}

TEST_CASE("pvesr status: error rows, continuation, overflow",
          "[pvesr_status]") {
  const PvesrStatus s =
      ParsePvesrStatus(testing::ReadTestdata("pvesr-status-errors.txt"));
  CHECK(s.warnings.empty());
  REQUIRE(s.rows.size() == 4);
  CHECK(s.rows[1].fail_count == 4u);
  CHECK(s.rows[1].state.find("failed: got timeout") != std::string::npos);
  CHECK(s.rows[2].state ==
        "No common base snapshot on volume(s) local-zfs:vm-104-disk-0\n"
        "Please remove the problematic volume(s) from the replication target "
        "or delete and re-create the whole job 104-0");
  CHECK_FALSE(s.rows[3].enabled);
  CHECK(s.rows[3].target == "a-very-long-node-name-01");
  CHECK(s.rows[3].next_sync_text == "-");
  CHECK_FALSE(s.rows[3].next_sync.has_value());
  CHECK(s.rows[3].fail_count == 2u);
}

TEST_CASE("pvesr status: malformed rows are skipped, not misread",
          "[pvesr_status]") {
  const PvesrStatus s = ParsePvesrStatus(
      "garbage before\n"
      "100-0 Yes local/a 2024-13-01_00:00:00 - - 0 OK\n"  // month 13
      "continuation of a skipped row\n"
      "100-1 Yes local/a - - 3,5 0 OK\n"  // decimal comma
      "100-2 Yes local/a - - - x OK\n"
      "100-3 Yes local/a - - - 0\n"  // no State
      "100-4 Yes pve2 - - - 0 OK\n"  // no local/ prefix
      "100-5 No local/b - pending 1.5 0 OK\n");
  REQUIRE(s.rows.size() == 1);
  CHECK(s.rows[0].job_id == "100-5");
  CHECK(s.warnings.size() == 7);
  CHECK(ParsePvesrStatus("JobID      Enabled    Target\n").rows.empty());
  CHECK_THROWS_AS(ParsePvesrStatus(std::string("100-0 Yes\0", 10)),
                  text::ParseError);
}

TEST_CASE("pvesr status: an absurd duration costs the duration, not the job",
          "[pvesr_status]") {
  const PvesrStatus s =
      ParsePvesrStatus("100-0 Yes local/pve2 - - 1e308 0 OK\n");
  REQUIRE(s.rows.size() == 1);
  CHECK_FALSE(s.rows[0].duration_seconds.has_value());
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0].message == "implausible Duration 1e308 ignored");
}

TEST_CASE("pvesr timestamps to epoch with a UTC offset", "[pvesr_status]") {
  CHECK(PvesrTimestampToEpoch("2025-12-27_21:11:16", 0) == 1766869876);
  CHECK(PvesrTimestampToEpoch("2025-12-27_21:11:16", 3600) == 1766866276);
  CHECK(PvesrTimestampToEpoch("1970-01-01_00:00:00", 0) == 0);
  CHECK(PvesrTimestampToEpoch("2024-02-29_12:00:00", -18000) == 1709226000);
  CHECK_FALSE(PvesrTimestampToEpoch("-", 0).has_value());
  CHECK_FALSE(PvesrTimestampToEpoch("pending", 0).has_value());
  CHECK_FALSE(PvesrTimestampToEpoch("2023-02-29_12:00:00", 0).has_value());
  CHECK_FALSE(PvesrTimestampToEpoch("2025-12-27 21:11:16", 0).has_value());
}

}  // namespace
}  // namespace replwatch::parsers

// Constructed samples (rendered from the exact printf formats of OpenZFS
// cmd/zpool/zpool_main.c) and malformed input for the zpool status parsers.
#include <string>

#include "collectors/parsers/test_fixtures.h"
#include "collectors/parsers/zpool_status.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("zpool status: class groups with trailing TABs", "[zpool_status]") {
  const ZpoolStatus status = ParseZpoolStatus(
      testing::ReadTestdata("zpool-status-special-logs-cache-spares.txt"));
  CHECK(status.warnings.empty());
  REQUIRE(status.pools.size() == 1);
  const PoolStatus& pool = status.pools[0];
  REQUIRE(pool.vdevs.size() == 12);
  CHECK(pool.vdevs[4].name == "sdc");
  CHECK(pool.vdevs[4].checksum_errors == 1495);  // 1.46K, 1024-based
  CHECK(pool.vdevs[4].counters_approximate);
  CHECK(pool.vdevs[6].name == "mirror-1");
  CHECK(pool.vdevs[6].group == VdevGroup::kSpecial);
  CHECK(pool.vdevs[6].depth == 1);
  CHECK(pool.vdevs[8].group == VdevGroup::kSpecial);
  CHECK(pool.vdevs[8].depth == 2);
  CHECK(pool.vdevs[9].group == VdevGroup::kLogs);
  CHECK(pool.vdevs[10].group == VdevGroup::kCache);
  CHECK(pool.vdevs[11].group == VdevGroup::kSpares);
  CHECK(pool.vdevs[11].state == "AVAIL");
  CHECK(pool.msgid == "ZFS-8000-9P");
  CHECK(pool.data_errors == 0u);
}

TEST_CASE("zpool status -p: overflowing counter and resilver progress",
          "[zpool_status]") {
  const ZpoolStatus status = ParseZpoolStatus(
      testing::ReadTestdata("zpool-status-p-resilver-replacing.txt"));
  CHECK(status.warnings.empty());
  const PoolStatus& pool = status.pools.at(0);
  CHECK(pool.scan.kind == ScanKind::kResilver);
  CHECK(pool.scan.state == ScanState::kInProgress);
  CHECK(pool.scan.progress_ratio == Approx(0.1674));
  const Vdev& faulted = pool.vdevs.back();
  CHECK(faulted.name == "ata-WDC_WD40EFRX_WD-EEEE");
  CHECK(faulted.read_errors == 12u);
  CHECK(faulted.checksum_errors == 2048000u);
  CHECK_FALSE(faulted.counters_approximate);
  CHECK(faulted.annotation == "too many errors");
  CHECK(pool.vdevs[5].annotation == "(resilvering)");
  CHECK(pool.vdevs[5].depth == 3);
  CHECK(pool.permanent_error_paths.size() == 3);
  CHECK(pool.data_errors == 3u);
}

TEST_CASE("zpool status: names with spaces use the STATE column",
          "[zpool_status]") {
  const ZpoolStatus status = ParseZpoolStatus(
      "  pool: my pool\n state: ONLINE\nconfig:\n\n"
      "\tNAME              STATE     READ WRITE CKSUM\n"
      "\tmy pool           ONLINE       0     0     0\n"
      "\t  /tmp/a file     ONLINE       0     0     7\n\n"
      "errors: No known data errors\n");
  const PoolStatus& pool = status.pools.at(0);
  CHECK(pool.name == "my pool");
  REQUIRE(pool.vdevs.size() == 2);
  CHECK(pool.vdevs[1].name == "/tmp/a file");
  CHECK(pool.vdevs[1].checksum_errors == 7u);
}

TEST_CASE("zpool status: scan line variants", "[zpool_status]") {
  std::vector<std::string> problems;
  ScanStatus s = ParseScanText(
      "scrub repaired 0B in 1 days 02:55:32 with 0 errors on Sat Dec 24 "
      "02:33:08 2022",
      false, &problems);
  CHECK(s.state == ScanState::kFinished);
  CHECK(s.end_time_local == LocalDateTime{2022, 12, 24, 2, 33, 8});
  CHECK(s.duration_seconds == 86400 + 2 * 3600 + 55 * 60 + 32);
  s = ParseScanText(
      "resilver (draid1:4d:11c:1s-0) in progress since Tue Nov 24 14:34:25 "
      "2020\n"
      "3.51T scanned at 13.4G/s, 1.59T issued 6.07G/s, 6.13T total\n"
      "326G resilvered, 57.17% done, 00:03:21 to go",
      false, &problems);
  CHECK(s.kind == ScanKind::kResilver);
  CHECK(s.progress_ratio == Approx(0.5717));
  CHECK(s.start_time_local == LocalDateTime{2020, 11, 24, 14, 34, 25});
  CHECK_FALSE(s.duration_seconds.has_value());
  s = ParseScanText(
      "scrub paused since Mon Feb 24 23:12:07 2025\n\tscrub started on Mon Feb "
      "24 20:00:00 2025\n"
      "\t1G / 2G scanned, 1G / 2G issued\n\t0B repaired, 101.32% done",
      false, &problems);
  CHECK(s.state == ScanState::kPaused);
  CHECK(s.progress_ratio == Approx(1.0132));
  s = ParseScanText(
      "scrubbed 12 error blocks in 0 days 00:00:01 on Mon Feb 24 23:12:07 2025",
      true, &problems);
  CHECK(s.kind == ScanKind::kErrorScrub);
  CHECK(s.state == ScanState::kFinished);
  CHECK(problems.empty());
  // Locale damage is reported, never misread.
  s = ParseScanText("scrub in progress since x\n\t0B repaired, 4,96% done",
                    false, &problems);
  CHECK_FALSE(s.progress_ratio.has_value());
  s = ParseScanText(
      "resilvered 1,73T in 18h26m with 1 errors on Do 12 Jul 2018 10:00:00 "
      "CEST",
      false, &problems);
  CHECK(s.errors == 1u);
  CHECK(s.duration_seconds == 18 * 3600 + 26 * 60);
  CHECK_FALSE(s.end_time_local.has_value());
  s = ParseScanText(
      "scrub repaired 0B in 00:61:00 with 0 errors on Sat Dec 24 02:33:08 2022",
      false, &problems);
  CHECK_FALSE(s.duration_seconds.has_value());
  CHECK(problems.back() == "unreadable scan duration '00:61:00'");
  s = ParseScanText("frobnicating", false, &problems);
  CHECK(s.kind == ScanKind::kNone);
  CHECK(problems.size() == 4);
}

TEST_CASE("zpool status: no pools and garbage", "[zpool_status]") {
  CHECK(ParseZpoolStatus("").pools.empty());
  CHECK(ParseZpoolStatus("no pools available\n").pools.empty());
  CHECK(ParseZpoolStatus("all pools are healthy\n").pools.empty());
  CHECK_THROWS_AS(ParseZpoolStatus("garbage\nmore garbage\n"),
                  text::ParseError);
  CHECK_THROWS_AS(ParseZpoolStatus(std::string("  pool: a\0\n", 11)),
                  text::ParseError);
  // Truncated mid-tree: best effort, no crash.
  const ZpoolStatus cut = ParseZpoolStatus(
      "  pool: tank\n state: ONLINE\nconfig:\n\n\tNAME        STATE     READ "
      "WRITE CKSUM\n"
      "\ttank        ONLINE       0     0     0\n\t  sda       ONL");
  REQUIRE(cut.pools.size() == 1);
  CHECK(cut.pools[0].vdevs.size() == 2);
  CHECK_FALSE(cut.pools[0].vdevs[1].has_counters);
  // Counters that are not numbers are not read as zero errors silently.
  const ZpoolStatus odd = ParseZpoolStatus(
      "  pool: t\n state: ONLINE\nconfig:\n\n\tNAME  STATE  READ WRITE CKSUM\n"
      "\tt     ONLINE    0  1,5     0\n");
  CHECK_FALSE(odd.pools[0].vdevs[0].has_counters);
  CHECK(odd.warnings.size() == 1);
  // A huge line must not break anything.
  const std::string huge =
      "  pool: t\nstatus: " + std::string(1 << 20, 'x') + "\n";
  CHECK(ParseZpoolStatus(huge).pools[0].status.size() == (1u << 20));
}

TEST_CASE("zpool status -j --json-int", "[zpool_status]") {
  const ZpoolStatus status = ParseZpoolStatusJson(
      testing::ReadTestdata("zpool-status-j-json-int.json"));
  CHECK(status.warnings.empty());
  const PoolStatus& pool = status.pools.at(0);
  CHECK(pool.state == "DEGRADED");
  CHECK(pool.scan.kind == ScanKind::kResilver);
  CHECK(pool.scan.state == ScanState::kInProgress);
  CHECK(pool.scan.progress_ratio == Approx(0.25));
  REQUIRE(pool.vdevs.size() == 6);
  CHECK(pool.vdevs[2].checksum_errors == 18446744073709551615ULL);
  CHECK(pool.vdevs[3].state == "UNAVAIL");  // CANT_OPEN
  CHECK(pool.vdevs[3].annotation ==
        "was /dev/disk/by-id/wwn-0x50014ee2b36b4fea-part1");
  CHECK(pool.vdevs[4].group == VdevGroup::kLogs);
  CHECK(pool.vdevs[4].write_errors == 3u);
  CHECK(pool.vdevs[5].group == VdevGroup::kSpares);
  CHECK_FALSE(pool.vdevs[5].has_counters);
  CHECK(pool.data_errors == 2u);
  CHECK(pool.permanent_error_paths.size() == 2);
}

TEST_CASE("zpool status JSON: malformed", "[zpool_status]") {
  CHECK_THROWS_AS(ParseZpoolStatusJson("{}"), text::ParseError);
  CHECK_THROWS_AS(ParseZpoolStatusJson("[]"), text::ParseError);
  CHECK_THROWS_AS(ParseZpoolStatusJson("{\"pools\":{"), text::ParseError);
  const ZpoolStatus odd = ParseZpoolStatusJson(
      R"({"pools":{"a":1,"b":{"vdevs":{"b":"x"},"error_count":"n/a"}}})");
  REQUIRE(odd.pools.size() == 1);
  CHECK(odd.pools[0].name == "b");
  CHECK_FALSE(odd.pools[0].data_errors.has_value());
  CHECK(odd.warnings.size() == 2);
}

}  // namespace
}  // namespace replwatch::parsers

#include "collectors/parsers/proc_stat_parser.h"

#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

// A pvesr worker's line (proc(5)); its starttime is 1234567.
constexpr const char* kStat =
    "4242 (pvesr) S 1 4242 4242 0 -1 4194560 5208 0 0 0 31 6 0 0 20 0 1 0 "
    "1234567 118587392 30236 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 "
    "17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

TEST_CASE("/proc/<pid>/stat: state and start time", "[proc_stat]") {
  const auto stat = ParseProcStat(kStat, 4242);
  REQUIRE(stat);
  CHECK(stat->state == 'S');
  CHECK(stat->start_time == 1234567u);
}

TEST_CASE("/proc/<pid>/stat: a command name with spaces and parentheses",
          "[proc_stat]") {
  const auto stat = ParseProcStat(
      "77 (a) Z (b) Z 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n", 77);
  REQUIRE(stat);
  CHECK(stat->state == 'Z');
  CHECK(stat->start_time == 99u);
}

TEST_CASE("/proc/<pid>/stat: another pid or a short line is not read",
          "[proc_stat]") {
  CHECK_FALSE(ParseProcStat(kStat, 424));
  CHECK_FALSE(ParseProcStat("4242 (pvesr) S 1 4242\n", 4242));
  CHECK_FALSE(ParseProcStat("", 4242));
  CHECK_FALSE(ParseProcStat("4242 pvesr S 1\n", 4242));
}

}  // namespace
}  // namespace replwatch::parsers

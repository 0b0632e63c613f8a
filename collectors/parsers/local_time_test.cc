#include "collectors/parsers/local_time.h"

#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("ctime and local timestamps", "[local_time]") {
  CHECK(ParseCtime("Sun Feb  4 20:54:25 2024") ==
        LocalDateTime{2024, 2, 4, 20, 54, 25});
  CHECK(ParseCtime("Tue Jan 17 18:12:00 2023") ==
        LocalDateTime{2023, 1, 17, 18, 12, 0});
  for (const char* bad :
       {"", "Sun Feb 30 20:54:25 2024", "Foo Feb  4 20:54:25 2024",
        "So 4 Feb 2024 20:54:25", "Sun Feb  4 20:54 2024",
        "Sun Feb  4 20:54:25 2024 CET", "Sun Feb  4 24:00:00 2024"}) {
    INFO(bad);
    CHECK_FALSE(ParseCtime(bad).has_value());
  }
  CHECK(ParseLogTimestamp("2020-03-10 10:00:00") ==
        LocalDateTime{2020, 3, 10, 10, 0, 0});
  CHECK_FALSE(ParseLogTimestamp("2020-03-10_10:00:00").has_value());
  CHECK(LocalToEpoch({2000, 3, 1, 0, 0, 0}, 0) == 951868800);
  CHECK(LocalToEpoch({2024, 1, 1, 1, 0, 0}, 3600) == 1704067200);
}

}  // namespace
}  // namespace replwatch::parsers

#include "collectors/parsers/date_parser.h"

#include <string>

#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("date +%s.%N output is parsed", "[date]") {
  CHECK(*ParseEpochSeconds("1732583216.123456789\n") ==
        Approx(1732583216.123456789));
  CHECK(*ParseEpochSeconds("1732583216\n") == Approx(1732583216.0));
  CHECK_FALSE(ParseEpochSeconds(""));
  CHECK_FALSE(ParseEpochSeconds("Thu Nov 26 01:00:00 UTC 2026\n"));
  CHECK_FALSE(ParseEpochSeconds("1732583216,12\n"));  // another locale
  CHECK_FALSE(ParseEpochSeconds("1.2.3\n"));
  CHECK_FALSE(ParseEpochSeconds(std::string(100, '1')));
}

TEST_CASE("date output ending in CRLF is read like any other line", "[date]") {
  CHECK(*ParseEpochSeconds("1732583216.5\r\n") == Approx(1732583216.5));
}

TEST_CASE("a date far outside any plausible clock is refused", "[date]") {
  CHECK_FALSE(ParseEpochSeconds("99999999999999999999\n"));
  CHECK_FALSE(ParseEpochSeconds("-5\n"));
}

}  // namespace
}  // namespace replwatch::parsers

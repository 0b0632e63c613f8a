#include "collectors/parsers/date_parser.h"

#include "testing/catch.h"
#include <string>

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

}  // namespace
}  // namespace replwatch::parsers

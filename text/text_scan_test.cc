#include "text/text_scan.h"

#include <string>
#include <vector>

#include "testing/catch.h"
#include "text/parse_error.h"

namespace replwatch::text {
namespace {

TEST_CASE("line reader", "[text_scan]") {
  LineReader reader("a\r\n\nb");
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.Next(&line)) lines.emplace_back(line);
  CHECK(lines == std::vector<std::string>{"a", "", "b"});
  CHECK(reader.line_number() == 3u);
  LineReader trailing("x\n");
  REQUIRE(trailing.Next(&line));
  CHECK_FALSE(trailing.Next(&line));
}

TEST_CASE("unsigned integers of every length round-trip", "[text_scan]") {
  std::uint64_t state = 88172645463325252ULL;  // xorshift64: fixed, varied
  for (int i = 0; i < 20000; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const std::uint64_t value = state >> (i % 64);  // 1 to 20 digits
    INFO(value);
    CHECK(ParseUint64(std::to_string(value)) == value);
  }
}

TEST_CASE("a non-digit anywhere in a number is refused", "[text_scan]") {
  const std::string digits = "1234567890123456789";
  for (std::size_t at = 0; at < digits.size(); ++at) {
    for (const char bad : {'/', ':', ' ', 'a', '\x80', '\xb5', '\xff', '-'}) {
      std::string text = digits;
      text[at] = bad;
      INFO(text);
      CHECK_FALSE(ParseUint64(text).has_value());
    }
  }
}

TEST_CASE("strict integer and decimal parsing", "[text_scan]") {
  CHECK(ParseUint64("18446744073709551615") == 18446744073709551615ULL);
  CHECK_FALSE(ParseUint64("18446744073709551616").has_value());
  CHECK_FALSE(ParseUint64("+1").has_value());
  CHECK_FALSE(ParseUint64(" 1").has_value());
  CHECK_FALSE(ParseUint64("1 ").has_value());
  CHECK_FALSE(ParseUint64("").has_value());
  CHECK_FALSE(ParseUint64("99999999999999999999").has_value());
  CHECK_FALSE(ParseUint64("184467440737095516150").has_value());
  CHECK(ParseUint64("000000000000000000000042") == 42u);
  CHECK(ParseUint64("1234567890123456789") == 1234567890123456789ULL);
  CHECK(ParseInt64("-9223372036854775808") == INT64_MIN);
  CHECK(ParseInt64("9223372036854775807") == INT64_MAX);
  CHECK(ParseInt64("-42") == -42);
  CHECK_FALSE(ParseInt64("9223372036854775808").has_value());
  CHECK_FALSE(ParseInt64("-9223372036854775809").has_value());
  CHECK_FALSE(ParseInt64("-").has_value());
  CHECK_FALSE(ParseInt64("--1").has_value());
  CHECK_FALSE(ParseInt64("-+1").has_value());
  CHECK(ParseDecimal("3.554485") == Approx(3.554485));
  CHECK(ParseDecimal("-0.5") == Approx(-0.5));
  for (const char* bad :
       {"3,5", "inf", "nan", "1e999", ".5", "+1", "1.2.3", ""}) {
    INFO(bad);
    CHECK_FALSE(ParseDecimal(bad).has_value());
  }
}

TEST_CASE("zfs_nicenum values decode 1024-based", "[text_scan]") {
  // Pairs verified against zfs_nicenum_format() (OpenZFS
  // lib/libzutil/zutil_nicenum.c).
  CHECK(ParseNiceNumber("1023") == 1023u);
  CHECK(ParseNiceNumber("1K") == 1024u);
  CHECK(ParseNiceNumber("1.46K") == 1495u);     // printed for 1500
  CHECK(ParseNiceNumber("12.1K") == 12390u);    // printed for 12345
  CHECK(ParseNiceNumber("121K") == 123904u);    // printed for 123456
  CHECK(ParseNiceNumber("1.91M") == 2002780u);  // printed for 2000000
  CHECK(ParseNiceNumber("448K") == 458752u);
  CHECK(ParseNiceNumber("0B") == 0u);
  for (const char* bad : {"", "K", "1.5X", "1,5K", "-1K", "99999E", "B"}) {
    INFO(bad);
    CHECK_FALSE(ParseNiceNumber(bad).has_value());
  }
}

TEST_CASE("fields and printable copies", "[text_scan]") {
  std::string_view rest = " \tab  cd\t";
  CHECK(NextField(&rest) == "ab");
  CHECK(NextField(&rest) == "cd");
  CHECK(NextField(&rest).empty());
  rest = "a\tb";
  CHECK(SplitAt(&rest, '\t') == "a");
  CHECK(SplitAt(&rest, '\t') == "b");
  CHECK(rest.empty());
  CHECK(Printable("ok\x01\xff", 10) == "ok??");
  CHECK(Printable("abcdef", 3) == "abc");
  CHECK(IsPrintableToken("2.2.6-pve1", 64));
  CHECK_FALSE(IsPrintableToken("a b", 64));
  CHECK_FALSE(IsPrintableToken("", 64));
  try {
    RejectNulBytes(std::string("a\nb\n\0", 5), "x");
    FAIL("expected ParseError");
  } catch (const ParseError& e) {
    CHECK(e.line() == 3u);
  }
}

}  // namespace
}  // namespace replwatch::text

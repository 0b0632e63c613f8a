#include "text/decimal_digits.h"

#include <string>

#include "testing/catch.h"

namespace replwatch::text {
namespace {

// Runs ConsumeDecimal on `text` placed at every offset of a buffer (the
// scanner loads eight bytes at a time, so where a run starts and ends
// relative to a word matters), followed by `after`.
void CheckEveryPlacement(const std::string& text, const std::string& after,
                         bool expect_ok, std::uint64_t expect_value) {
  for (std::size_t offset = 0; offset < 9; ++offset) {
    const std::string buffer = std::string(offset, 'x') + text + after;
    const char* const begin = buffer.data() + offset;
    const char* cursor = begin;
    std::uint64_t value = 12345;
    INFO("text '" << text << "' offset " << offset << " after '" << after
                  << "'");
    REQUIRE(ConsumeDecimal(&cursor, buffer.data() + buffer.size(), &value) ==
            expect_ok);
    if (expect_ok) {
      CHECK(value == expect_value);
      CHECK(cursor == begin + text.size());
    } else {
      CHECK(cursor == begin);
      CHECK(value == 12345u);
    }
  }
}

TEST_CASE("a run of digits of any length, anywhere, stops at a non-digit",
          "[decimal_digits]") {
  // Every length from 1 to 20 digits, with all ten digits in every place.
  const std::string digits = "98765432101234567890";
  for (std::size_t length = 1; length <= 20; ++length) {
    for (std::size_t rotation = 0; rotation < 10; ++rotation) {
      std::string text = (digits.substr(rotation) + digits).substr(0, length);
      if (length == 20) text.replace(0, 2, "10");  // stay below 2^64
      const std::uint64_t value = std::stoull(text);
      // Bytes just outside '0'..'9', and those whose +6 carries into the
      // next byte (>= 0xFA), must end the run.
      for (const char* after : {"\t", "\n", "", "/", ":", "\xfa", "\xff",
                                "\x80", " 99999999", "\t12345678"}) {
        CheckEveryPlacement(text, after, true, value);
      }
    }
  }
}

TEST_CASE("an empty run or a value beyond 64 bits is refused, cursor kept",
          "[decimal_digits]") {
  CheckEveryPlacement("", "\t1", false, 0);
  CheckEveryPlacement("", "", false, 0);
  CheckEveryPlacement("18446744073709551615", "\t", true,
                      18446744073709551615ULL);
  CheckEveryPlacement("18446744073709551616", "\t", false, 0);
  CheckEveryPlacement("99999999999999999999", "", false, 0);
  CheckEveryPlacement("184467440737095516150", "\n", false, 0);
  CheckEveryPlacement("000000000000000000000000042", "\n", true, 42);
}

}  // namespace
}  // namespace replwatch::text

#include "text/decimal_digits.h"

#include <cstring>

namespace replwatch::text {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "a loaded word holds its first character in the low byte");

constexpr std::uint64_t kHighNibbles = 0xF0F0F0F0F0F0F0F0;
constexpr std::uint64_t kZeros = 0x3030303030303030;
constexpr std::uint64_t kPowersOfTen[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// A byte of the result is non-zero where `word` holds a non-digit. A digit
// is 0x30..0x39: high nibble 3, and adding 6 does not leave it. (A carry out
// of a byte >= 0xFA only disturbs the bytes after that non-digit.)
std::uint64_t NonDigitBytes(std::uint64_t word) {
  return ((word & kHighNibbles) ^ kZeros) |
         (((word + 0x0606060606060606) & kHighNibbles) ^ kZeros);
}

// The value of eight ASCII digits, the first in the low byte (SWAR, after
// D. Lemire's "parse_eight_digits_unrolled").
std::uint64_t ValueOfEightDigits(std::uint64_t word) {
  word -= kZeros;
  word = word * 10 + (word >> 8);  // pairs of digits
  return (((word & 0x000000FF000000FF) * 0x000F424000000064) +
          (((word >> 16) & 0x000000FF000000FF) * 0x0000271000000001)) >>
         32;
}

// `value` * 10^digits + `part`, false on overflow.
bool Append(std::uint64_t* value, unsigned digits, std::uint64_t part) {
  return !__builtin_mul_overflow(*value, kPowersOfTen[digits], value) &&
         !__builtin_add_overflow(*value, part, value);
}

}  // namespace

bool ConsumeDecimal(const char** cursor, const char* end,
                    std::uint64_t* value_out) {
  const char* p = *cursor;
  std::uint64_t value = 0;
  bool run_ended = false;
  while (!run_ended && end - p >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    const std::uint64_t non_digits = NonDigitBytes(word);
    if (non_digits == 0) {
      if (!Append(&value, 8, ValueOfEightDigits(word))) return false;
      p += 8;
      continue;
    }
    const unsigned digits = __builtin_ctzll(non_digits) / 8;
    if (digits > 0) {
      // Shift the digits to the high end and fill the low end with '0's:
      // leading zeros do not change the value.
      const unsigned shift = 8 * (8 - digits);
      const std::uint64_t padded = (word << shift) | (kZeros >> (64 - shift));
      if (!Append(&value, digits, ValueOfEightDigits(padded))) return false;
      p += digits;
    }
    run_ended = true;
  }
  for (; !run_ended && p < end; ++p) {  // fewer than eight bytes left
    const unsigned digit = static_cast<unsigned char>(*p) - '0';
    if (digit > 9) break;
    if (!Append(&value, 1, digit)) return false;
  }
  if (p == *cursor) return false;
  *cursor = p;
  *value_out = value;
  return true;
}

}  // namespace replwatch::text

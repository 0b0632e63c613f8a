#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace replwatch::text {

/// Appends code point `cp` (<= U+10FFFF, not a surrogate) as UTF-8.
void AppendUtf8(char32_t cp, std::string* out);

/// Length of the well-formed UTF-8 sequence at the start of `s` (1-4), or 0
/// if it is malformed: overlong, surrogate, above U+10FFFF or truncated.
std::size_t Utf8SequenceLength(std::string_view s);

}  // namespace replwatch::text

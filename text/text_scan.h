#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Allocation-free scanning primitives shared by the line-oriented parsers.
// All number parsing is locale independent (no strtol), so a node that
// leaks a decimal comma is rejected instead of silently misread.
namespace replwatch::text {

/// Iterates over the lines of a buffer. A trailing '\r' is dropped; a final
/// line without '\n' is still returned.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}

  bool Next(std::string_view* line);
  /// 1-based number of the line last returned by Next().
  std::size_t line_number() const { return line_number_; }

 private:
  std::string_view rest_;
  std::size_t line_number_ = 0;
  bool done_ = false;
};

/// Throws ParseError (with the line number) if `text` contains a NUL byte.
void RejectNulBytes(std::string_view text, std::string_view what);

std::optional<std::uint64_t> ParseUint64(std::string_view s);
std::optional<std::int64_t> ParseInt64(std::string_view s);
/// Plain decimal/scientific notation with '.' only; no inf/nan, no '+'.
std::optional<double> ParseDecimal(std::string_view s);
/// zfs_nicenum() style value ("1023", "1.46K", "1.13M"), 1024-based and
/// therefore approximate for suffixed values. An optional trailing 'B' is
/// accepted ("448K", "0B").
std::optional<std::uint64_t> ParseNiceNumber(std::string_view s);

std::string_view TrimSpace(std::string_view s);
/// Returns the next run of non-blank characters (blank = space or tab) and
/// advances `rest` past it.
std::string_view NextField(std::string_view* rest);
/// Returns the text before the first `sep` and advances `rest` past it; if
/// there is no `sep`, returns all of `rest` and leaves it empty.
std::string_view SplitAt(std::string_view* rest, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool Contains(std::string_view s, std::string_view needle);

/// True if `s` is 1..max_len printable ASCII characters without blanks.
bool IsPrintableToken(std::string_view s, std::size_t max_len);

/// A copy of `s` safe to put in messages and labels: printable ASCII only
/// (others become '?'), cut to `max_len` characters.
std::string Printable(std::string_view s, std::size_t max_len = 80);

}  // namespace replwatch::text

#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace replwatch {

/// Problem lines quote what the file holds, which may be a value of any
/// length; a line is cut to this many bytes.
constexpr std::size_t kMaxProblemLineBytes = 512;

/// `line` if it fits in `max_bytes`, else cut at a UTF-8 character boundary
/// with " … (N more bytes)" appended (the result may pass max_bytes by that
/// marker). Never cuts a multi-byte character in two.
std::string CapLine(std::string_view line, std::size_t max_bytes);

/// The lines to show for a config's problems: each capped, and after
/// `max_lines` one line saying how many more there are.
std::vector<std::string> ProblemLines(const std::vector<std::string>& problems,
                                      std::size_t max_lines);

/// Logs ProblemLines of the first 20 problems as errors, each after
/// `prefix`; `replwatch check-config` prints them all.
void LogProblems(const std::vector<std::string>& problems,
                 std::string_view prefix = "");

/// The lines of `text` (a WebConfigError holds one problem per line).
std::vector<std::string> SplitLines(std::string_view text);

}  // namespace replwatch

#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace replwatch::text {

/// Thrown when remote output cannot be parsed at all. `line()` is the 1-based
/// line number of the offending input line when one is meaningful.
struct ParseError : std::runtime_error {
  explicit ParseError(const std::string& message)
      : std::runtime_error(message) {}
  ParseError(const std::string& message, std::size_t line)
      : std::runtime_error("line " + std::to_string(line) + ": " + message),
        line_number(line) {}

  std::optional<std::size_t> line() const { return line_number; }

  std::optional<std::size_t> line_number;
};

/// A recoverable oddity met while parsing: the result is still usable, but the
/// named input line was skipped or only partly understood.
struct ParseWarning {
  std::size_t line = 0;  // 1-based; 0 when not tied to a line
  std::string message;
};

}  // namespace replwatch::text

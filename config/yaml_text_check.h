#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace replwatch {

/// Why a file's bytes cannot be a YAML config, found before yaml-cpp reads
/// them: yaml-cpp calls a NUL byte an "unknown escape character" and deep
/// nesting a "bad file", which names no real reason.
struct YamlTextProblem {
  int line = 0;    ///< 0-based, as yaml-cpp marks are.
  int column = 0;  ///< 0-based.
  std::string message;
};

/// Nesting that replwatch's configs never need (they use fewer than 10
/// levels); anything deeper is refused before yaml-cpp recurses into it.
inline constexpr int kMaxYamlNesting = 64;

/// The first control character (other than tab, CR and LF), or the first
/// place where block or flow nesting passes kMaxYamlNesting; nullopt if none.
std::optional<YamlTextProblem> FindYamlTextProblem(std::string_view text);

}  // namespace replwatch

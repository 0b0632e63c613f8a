#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

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

/// The warnings of one parse or one collector run, bounded: the first
/// kKept keep their text, the others are only counted, so that hostile
/// output of millions of odd items costs neither memory nor a log flood.
class ParseWarnings {
 public:
  static constexpr std::size_t kKept = 20;

  void Add(std::size_t line, std::string message) {
    if (kept_.size() < kKept) kept_.push_back({line, std::move(message)});
    ++total_;
  }
  void Add(std::string message) { Add(0, std::move(message)); }
  void push_back(ParseWarning warning) {
    Add(warning.line, std::move(warning.message));
  }
  /// Adds `other`'s warnings, each message after `prefix`.
  void AddAll(const std::string& prefix, const ParseWarnings& other) {
    for (const ParseWarning& w : other.kept_) {
      Add(w.line,
          prefix + (w.line > 0 ? "line " + std::to_string(w.line) + ": " : "") +
              w.message);
    }
    total_ += other.total_ - other.kept_.size();
  }

  const std::vector<ParseWarning>& kept() const { return kept_; }
  std::size_t total() const { return total_; }
  std::size_t size() const { return total_; }
  bool empty() const { return total_ == 0; }
  const ParseWarning& front() const { return kept_.front(); }
  const ParseWarning& operator[](std::size_t i) const { return kept_[i]; }
  auto begin() const { return kept_.begin(); }
  auto end() const { return kept_.end(); }

 private:
  std::vector<ParseWarning> kept_;
  std::size_t total_ = 0;
};

}  // namespace replwatch::text

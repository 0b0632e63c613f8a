#include "text/text_scan.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "text/decimal_digits.h"
#include "text/parse_error.h"

namespace replwatch::text {

bool LineReader::Next(std::string_view* line) {
  if (done_) return false;
  const std::size_t nl = rest_.find('\n');
  if (nl == std::string_view::npos) {
    done_ = true;
    if (rest_.empty()) return false;
    *line = rest_;
    rest_ = {};
  } else {
    *line = rest_.substr(0, nl);
    rest_.remove_prefix(nl + 1);
    if (rest_.empty()) done_ = true;
  }
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  ++line_number_;
  return true;
}

void RejectNulBytes(std::string_view text, std::string_view what) {
  if (text.empty()) return;  // memchr must not see a default view's nullptr
  const void* nul = std::memchr(text.data(), '\0', text.size());
  if (nul == nullptr) return;
  const std::size_t offset = static_cast<const char*>(nul) - text.data();
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset; ++i) line += text[i] == '\n';
  throw ParseError(std::string(what) + ": NUL byte in input", line);
}

std::optional<std::uint64_t> ParseUint64(std::string_view s) {
  const char* cursor = s.data();
  const char* const end = s.data() + s.size();
  std::uint64_t value = 0;
  if (!ConsumeDecimal(&cursor, end, &value) || cursor != end) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> ParseInt64(std::string_view s) {
  const bool negative = !s.empty() && s[0] == '-';
  const std::optional<std::uint64_t> magnitude =
      ParseUint64(negative ? s.substr(1) : s);
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (!magnitude || *magnitude > kMax + (negative ? 1 : 0)) {
    return std::nullopt;
  }
  // Negating in unsigned arithmetic keeps INT64_MIN well defined.
  return static_cast<std::int64_t>(negative ? 0 - *magnitude : *magnitude);
}

std::optional<double> ParseDecimal(std::string_view s) {
  const std::size_t digits_at = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() <= digits_at || s[digits_at] < '0' || s[digits_at] > '9') {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> ParseNiceNumber(std::string_view s) {
  if (!s.empty() && s.back() == 'B') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  static constexpr std::string_view kSuffixes = "KMGTPE";
  const std::size_t suffix = kSuffixes.find(s.back());
  if (suffix == std::string_view::npos) return ParseUint64(s);
  s.remove_suffix(1);
  const std::optional<double> mantissa = ParseDecimal(s);
  if (!mantissa || *mantissa < 0) return std::nullopt;
  const double value = std::ldexp(*mantissa, 10 * static_cast<int>(suffix + 1));
  if (value >= 18446744073709551615.0) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(value));
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view NextField(std::string_view* rest) {
  std::string_view& r = *rest;
  while (!r.empty() && (r.front() == ' ' || r.front() == '\t'))
    r.remove_prefix(1);
  std::size_t n = 0;
  while (n < r.size() && r[n] != ' ' && r[n] != '\t') ++n;
  const std::string_view field = r.substr(0, n);
  r.remove_prefix(n);
  return field;
}

std::string_view SplitAt(std::string_view* rest, char sep) {
  const std::size_t at = rest->find(sep);
  const std::string_view head = rest->substr(0, at);
  rest->remove_prefix(at == std::string_view::npos ? rest->size() : at + 1);
  return head;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool Contains(std::string_view s, std::string_view needle) {
  return s.find(needle) != std::string_view::npos;
}

bool IsPrintableToken(std::string_view s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (const char c : s) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return true;
}

std::string Printable(std::string_view s, std::size_t max_len) {
  std::string out;
  out.reserve(std::min(s.size(), max_len));
  for (const char c : s.substr(0, max_len)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

}  // namespace replwatch::text

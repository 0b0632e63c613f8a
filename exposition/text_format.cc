#include "exposition/text_format.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "text/utf8.h"

namespace replwatch::exposition {
namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

void AppendSampleValue(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
  } else if (value == std::trunc(value) && std::abs(value) < 1e15) {
    // Whole numbers (timestamps, bytes, counts) as people write them:
    // 1764000000, not the shorter 1.764e+09.
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer,
                                      static_cast<std::int64_t>(value));
    if (std::signbit(value) && value == 0) out->push_back('-');
    out->append(buffer, result.ptr);
  } else {
    // std::to_chars without a precision is the shortest round trip.
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out->append(buffer, result.ptr);
  }
}

void AppendLabelValue(std::string_view value, std::string* out) {
  for (const char c : value) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

void AppendHelpText(std::string_view help, std::string* out) {
  for (const char c : help) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  for (const char c : name) {
    if (!IsNameChar(c) && c != ':') return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  if (name.substr(0, 2) == "__") return false;
  for (const char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

bool IsValidLabelValue(std::string_view value) {
  while (!value.empty()) {
    const std::size_t length = text::Utf8SequenceLength(value);
    if (length == 0) return false;
    value.remove_prefix(length);
  }
  return true;
}

}  // namespace replwatch::exposition

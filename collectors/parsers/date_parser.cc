#include "collectors/parsers/date_parser.h"

#include <cctype>
#include <cstdlib>
#include <string>

#include "text/text_scan.h"
#include "text/value_bounds.h"

namespace replwatch::parsers {

std::optional<double> ParseEpochSeconds(std::string_view text) {
  std::string_view first;
  text::LineReader lines(text);  // drops a '\r' before the '\n', as all do
  if (!lines.Next(&first)) return std::nullopt;
  const std::string line(first);
  if (line.empty() || line.size() > 32) return std::nullopt;
  int dots = 0;
  for (char c : line) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  if (dots > 1 || line.front() == '.') return std::nullopt;
  const double seconds = std::strtod(line.c_str(), nullptr);
  if (!text::IsPlausibleEpoch(seconds)) return std::nullopt;
  return seconds;
}

std::optional<std::int64_t> ParseUtcOffset(std::string_view text) {
  if (text.size() != 5 || (text[0] != '+' && text[0] != '-')) return {};
  const auto hours = text::ParseUint64(text.substr(1, 2));
  const auto minutes = text::ParseUint64(text.substr(3, 2));
  if (!hours || !minutes || *hours > 14 || *minutes > 59) return {};
  const auto seconds = static_cast<std::int64_t>(*hours * 3600 + *minutes * 60);
  return text[0] == '-' ? -seconds : seconds;
}

}  // namespace replwatch::parsers

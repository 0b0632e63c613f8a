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

}  // namespace replwatch::parsers

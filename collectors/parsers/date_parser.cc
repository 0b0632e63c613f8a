#include "collectors/parsers/date_parser.h"

#include <cctype>
#include <cstdlib>
#include <string>

namespace replwatch::parsers {

std::optional<double> ParseEpochSeconds(std::string_view text) {
  const std::string line(text.substr(0, text.find('\n')));
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
  return std::strtod(line.c_str(), nullptr);
}

}  // namespace replwatch::parsers

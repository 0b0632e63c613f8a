#include "collectors/parsers/proc_stat_parser.h"

#include <string>

#include "text/text_scan.h"

namespace replwatch::parsers {

std::optional<ProcessStat> ParseProcStat(std::string_view text,
                                         std::int64_t pid) {
  const std::string prefix = std::to_string(pid) + " (";
  const std::size_t close = text.rfind(')');
  if (!text::StartsWith(text, prefix) || close == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(close + 1);
  ProcessStat stat;
  // Field 3 is the first after ')'; field 22 the twentieth.
  for (int field = 3; field <= 22; ++field) {
    const std::string_view word = text::NextField(&rest);
    if (word.empty()) return std::nullopt;
    if (field == 3) {
      if (word.size() != 1) return std::nullopt;
      stat.state = word[0];
    }
    if (field == 22) {
      const auto start = text::ParseUint64(word);
      if (!start) return std::nullopt;
      stat.start_time = *start;
    }
  }
  return stat;
}

}  // namespace replwatch::parsers

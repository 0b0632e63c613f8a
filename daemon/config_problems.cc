#include "daemon/config_problems.h"

#include <spdlog/spdlog.h>

namespace replwatch {
namespace {

// A reload or a start logs this many; check-config prints every problem.
constexpr std::size_t kMaxLoggedProblems = 20;

bool IsContinuationByte(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

}  // namespace

std::string CapLine(std::string_view line, std::size_t max_bytes) {
  if (line.size() <= max_bytes) return std::string(line);
  std::size_t cut = max_bytes;
  // A UTF-8 character is at most 4 bytes: back up to its lead byte.
  for (int steps = 0; steps < 3 && cut > 0 && IsContinuationByte(line[cut]);
       ++steps) {
    --cut;
  }
  return std::string(line.substr(0, cut)) + " … (" +
         std::to_string(line.size() - cut) + " more bytes)";
}

std::vector<std::string> ProblemLines(const std::vector<std::string>& problems,
                                      std::size_t max_lines) {
  std::vector<std::string> lines;
  for (const auto& problem : problems) {
    if (lines.size() == max_lines) {
      lines.push_back("… and " + std::to_string(problems.size() - max_lines) +
                      " more problems");
      break;
    }
    lines.push_back(CapLine(problem, kMaxProblemLineBytes));
  }
  return lines;
}

void LogProblems(const std::vector<std::string>& problems,
                 std::string_view prefix) {
  for (const auto& line : ProblemLines(problems, kMaxLoggedProblems)) {
    spdlog::error("{}{}", prefix, line);
  }
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace replwatch

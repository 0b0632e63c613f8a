#pragma once

// Test-only checks on rendered Prometheus text: promtool's linter and
// sample lookup.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "testing/catch.h"

namespace replwatch::testing {

struct LintResult {
  int exit_status = -1;
  std::string output;  // what promtool printed (empty when clean)
};

/// Runs `promtool check metrics` (Prometheus' exposition linter) on `text`.
inline LintResult PromtoolCheckMetrics(const std::string& text) {
  char path[] = "/tmp/replwatch_promtool_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return {-1, "mkstemp failed"};
  close(fd);
  std::ofstream(path, std::ios::binary) << text;
  LintResult result;
  const std::string command =
      std::string("promtool check metrics < ") + path + " 2>&1";
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
      result.output.append(buffer, n);
    }
    const int status = pclose(pipe);
    result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::remove(path);
  return result;
}

/// Fails the current test if promtool has anything to say about `text`.
inline void CheckPromtoolClean(const std::string& text) {
  const LintResult lint = PromtoolCheckMetrics(text);
  INFO(text);
  CHECK(lint.output == "");
  CHECK(lint.exit_status == 0);
}

/// Fails the current test if promtool cannot parse `text` (its lint
/// remarks, exit status 3, are allowed).
inline void CheckPromtoolParses(const std::string& text) {
  const LintResult lint = PromtoolCheckMetrics(text);
  INFO(text << "\npromtool: " << lint.output);
  CHECK((lint.exit_status == 0 || lint.exit_status == 3));
}

/// The value of the sample whose name and labels are exactly `series`
/// (e.g. `up{job="x"}`), or nullopt if the text has no such line.
inline std::optional<double> SampleValue(const std::string& text,
                                         const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() &&
        line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
    }
  }
  return std::nullopt;
}

/// Number of sample lines of metric family `name`.
inline std::size_t SampleCount(const std::string& text,
                               const std::string& name) {
  std::istringstream lines(text);
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    if (line.compare(0, name.size(), name) == 0 && line.size() > name.size() &&
        (line[name.size()] == '{' || line[name.size()] == ' ')) {
      ++count;
    }
  }
  return count;
}

}  // namespace replwatch::testing

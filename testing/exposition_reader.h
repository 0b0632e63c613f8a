#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replwatch::testing {

struct ExposedSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

/// Reads a Prometheus text exposition (0.0.4) as strictly as Prometheus'
/// own parsers, plus one rule they leave to the storage: two samples with
/// the same name and labels. Throws std::runtime_error naming the line and
/// the reason for anything a scrape would refuse. For tests and fuzzers
/// that check what replwatch serves, without Go.
std::vector<ExposedSample> ReadExposition(std::string_view text);

}  // namespace replwatch::testing

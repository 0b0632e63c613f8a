#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.h"

namespace replwatch {

/// Every problem found in a config file, each as "file:line:column: what".
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// Parses and validates YAML config text. `file_name` is used in messages;
/// `collector_names` are the collectors the `collectors:` section may name.
/// Throws ConfigError listing all problems (not just the first).
Config ParseConfig(const std::string& yaml_text, const std::string& file_name,
                   const std::vector<std::string>& collector_names);

/// A config holds a few hundred bytes per node: 1 MiB is thousands of nodes,
/// and a file past it is a mistake (a log or image written over it). Parsing
/// YAML takes many times its size in memory, so it is refused unread.
constexpr std::size_t kMaxConfigFileBytes = 1 << 20;

/// Reads `path` (at most kMaxConfigFileBytes) and calls ParseConfig.
Config LoadConfigFile(const std::string& path,
                      const std::vector<std::string>& collector_names);

}  // namespace replwatch

#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace replwatch {

/// Collects "file:line:column: message" problems while walking a YAML tree,
/// so a config check reports every mistake at once.
class YamlChecker {
 public:
  explicit YamlChecker(std::string file_name) : file_(std::move(file_name)) {}

  void Error(const YAML::Node& at, const std::string& message);
  void ErrorAt(const YAML::Mark& mark, const std::string& message);
  void ErrorAt(int line, int column, const std::string& message);

  // True if `node` is a map; reports unknown and duplicate keys.
  bool CheckMap(const YAML::Node& node, const std::string& what,
                std::initializer_list<const char*> allowed_keys);
  bool CheckSequence(const YAML::Node& node, const std::string& what);

  /// Calls visit(key, key_node, value) for each entry of `map`, reporting
  /// non-string and duplicate keys (yaml-cpp keeps duplicates; silently
  /// using one of two values would hide a mistake). For maps whose keys are
  /// data (user names, header names) or whose unknown keys need their own
  /// message; CheckMap is for a fixed set of keys.
  template <class Visit>
  void ForEachEntry(const YAML::Node& map, Visit visit);

  std::optional<std::string> String(const YAML::Node& node,
                                    const std::string& key);
  /// `value` as a string setting called `name`: null counts as "" (as in
  /// Go's YAML loader, whose configs these mirror); maps and sequences are
  /// reported.
  std::optional<std::string> StringValue(const std::string& name,
                                         const YAML::Node& value);
  std::optional<bool> Bool(const YAML::Node& node, const std::string& key);
  std::optional<std::int64_t> Integer(const YAML::Node& node,
                                      const std::string& key, std::int64_t min,
                                      std::int64_t max);
  std::optional<std::chrono::milliseconds> Duration(const YAML::Node& node,
                                                    const std::string& key);
  std::optional<std::uint64_t> Bytes(const YAML::Node& node,
                                     const std::string& key);

  const std::vector<std::string>& problems() const { return problems_; }

 private:
  // The value under `key` if present and a scalar; reports other types.
  std::optional<YAML::Node> Scalar(const YAML::Node& map,
                                   const std::string& key,
                                   const char* expected);

  std::string file_;
  std::vector<std::string> problems_;
};

template <class Visit>
void YamlChecker::ForEachEntry(const YAML::Node& map, Visit visit) {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      Error(key, "keys must be strings");
    } else if (!seen.insert(key.Scalar()).second) {
      Error(key, "duplicate key \"" + key.Scalar() + "\"");
    } else {
      visit(key.Scalar(), key, entry.second);
    }
  }
}

/// Parses Prometheus-style durations: "500ms", "15s", "5m", "1h30m".
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);

/// Parses sizes: "1048576", "512KiB", "64MiB", "1GiB".
std::optional<std::uint64_t> ParseByteSize(const std::string& text);

}  // namespace replwatch

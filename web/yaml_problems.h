#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace replwatch::web {

// Collects config problems as "file:line:column: message" so that one load
// reports all of them at once.
class YamlProblems {
 public:
  explicit YamlProblems(std::string file) : file_(std::move(file)) {}

  void Add(const YAML::Mark& mark, const std::string& message);
  std::size_t size() const { return lines_.size(); }
  // Throws WebConfigError with one problem per line if any were added.
  void ThrowIfAny() const;

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

// Calls visit(key, value) for each entry of a YAML map, reporting non-string
// and duplicate keys (yaml-cpp keeps duplicates; Go's strict loader rejects
// them, and silently using one of two values would hide a mistake).
template <class Visit>
void ForEachEntry(const YAML::Node& map, YamlProblems& problems, Visit visit) {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      problems.Add(key.Mark(), "keys must be strings");
    } else if (!seen.insert(key.Scalar()).second) {
      problems.Add(key.Mark(), "duplicate key \"" + key.Scalar() + "\"");
    } else {
      visit(key.Scalar(), key, entry.second);
    }
  }
}

// Reads a string-valued setting; null counts as "" as in Go's yaml loader.
// Reports (and returns nullopt for) maps and sequences.
std::optional<std::string> ReadString(const std::string& name,
                                      const YAML::Node& value,
                                      YamlProblems& problems);

}  // namespace replwatch::web

#include "web/yaml_problems.h"

#include "web/web_config.h"

namespace replwatch::web {

void YamlProblems::Add(const YAML::Mark& mark, const std::string& message) {
  // yaml-cpp marks are 0-based; editors and compilers count from 1.
  lines_.push_back(file_ + ":" + std::to_string(mark.line + 1) + ":" +
                   std::to_string(mark.column + 1) + ": " + message);
}

void YamlProblems::ThrowIfAny() const {
  if (lines_.empty()) return;
  std::string text;
  for (const auto& line : lines_) {
    if (!text.empty()) text += '\n';
    text += line;
  }
  throw WebConfigError(text);
}

std::optional<std::string> ReadString(const std::string& name,
                                      const YAML::Node& value,
                                      YamlProblems& problems) {
  if (value.IsNull()) return std::string();
  if (!value.IsScalar()) {
    problems.Add(value.Mark(), name + " must be a string");
    return std::nullopt;
  }
  return value.as<std::string>();
}

}  // namespace replwatch::web

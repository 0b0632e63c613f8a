#include "config/yaml_checker.h"

#include <cctype>
#include <set>

namespace replwatch {

void YamlChecker::Error(const YAML::Node& at, const std::string& message) {
  ErrorAt(at.Mark(), message);
}

void YamlChecker::ErrorAt(const YAML::Mark& mark, const std::string& message) {
  ErrorAt(mark.line, mark.column, message);
}

void YamlChecker::ErrorAt(int line, int column, const std::string& message) {
  // yaml-cpp marks are 0-based; editors and compilers count from 1.
  problems_.push_back(file_ + ":" + std::to_string(line + 1) + ":" +
                      std::to_string(column + 1) + ": " + message);
}

bool YamlChecker::CheckMap(const YAML::Node& node, const std::string& what,
                           std::initializer_list<const char*> allowed_keys) {
  if (!node.IsMap()) {
    Error(node, what + " must be a mapping");
    return false;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      Error(it->first, "keys in " + what + " must be plain strings");
      continue;
    }
    const std::string key = it->first.Scalar();
    bool known = false;
    for (const char* allowed : allowed_keys) known = known || key == allowed;
    if (!known) {
      std::string list;
      for (const char* allowed : allowed_keys) {
        list += list.empty() ? "" : ", ";
        list += allowed;
      }
      Error(it->first,
            "unknown key '" + key + "' in " + what + " (known: " + list + ")");
    }
    if (!seen.insert(key).second) {
      Error(it->first, "duplicate key '" + key + "' in " + what);
    }
  }
  return true;
}

bool YamlChecker::CheckSequence(const YAML::Node& node,
                                const std::string& what) {
  if (!node.IsSequence()) {
    Error(node, what + " must be a list");
    return false;
  }
  return true;
}

std::optional<YAML::Node> YamlChecker::Scalar(const YAML::Node& map,
                                              const std::string& key,
                                              const char* expected) {
  const YAML::Node value = map[key];
  if (!value.IsDefined()) return std::nullopt;
  if (!value.IsScalar()) {
    Error(value, "'" + key + "' must be " + expected);
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> YamlChecker::String(const YAML::Node& map,
                                               const std::string& key) {
  auto value = Scalar(map, key, "a string");
  if (!value) return std::nullopt;
  return value->Scalar();
}

std::optional<std::string> YamlChecker::StringValue(const std::string& name,
                                                    const YAML::Node& value) {
  if (value.IsNull()) return std::string();
  if (!value.IsScalar()) {
    Error(value, name + " must be a string");
    return std::nullopt;
  }
  return value.as<std::string>();
}

std::optional<bool> YamlChecker::Bool(const YAML::Node& map,
                                      const std::string& key) {
  auto value = Scalar(map, key, "true or false");
  if (!value) return std::nullopt;
  const std::string& text = value->Scalar();
  if (text == "true") return true;
  if (text == "false") return false;
  Error(*value, "'" + key + "' must be true or false, not '" + text + "'");
  return std::nullopt;
}

std::optional<std::int64_t> YamlChecker::Integer(const YAML::Node& map,
                                                 const std::string& key,
                                                 std::int64_t min,
                                                 std::int64_t max) {
  auto value = Scalar(map, key, "an integer");
  if (!value) return std::nullopt;
  const std::string& text = value->Scalar();
  std::size_t used = 0;
  std::int64_t number = 0;
  try {
    number = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size()) {
    Error(*value, "'" + key + "' must be an integer, not '" + text + "'");
    return std::nullopt;
  }
  if (number < min || number > max) {
    Error(*value, "'" + key + "' must be between " + std::to_string(min) +
                      " and " + std::to_string(max));
    return std::nullopt;
  }
  return number;
}

std::optional<std::chrono::milliseconds> YamlChecker::Duration(
    const YAML::Node& map, const std::string& key) {
  auto value = Scalar(map, key, "a duration");
  if (!value) return std::nullopt;
  auto duration = ParseDuration(value->Scalar());
  if (!duration) {
    Error(*value, "'" + key + "' must be a duration like 500ms, 15s, 5m or " +
                      "1h30m, not '" + value->Scalar() + "'");
  }
  return duration;
}

std::optional<std::uint64_t> YamlChecker::Bytes(const YAML::Node& map,
                                                const std::string& key) {
  auto value = Scalar(map, key, "a size");
  if (!value) return std::nullopt;
  auto bytes = ParseByteSize(value->Scalar());
  if (!bytes) {
    Error(*value, "'" + key + "' must be a size like 1048576, 512KiB, 64MiB " +
                      "or 1GiB, not '" + value->Scalar() + "'");
  }
  return bytes;
}

std::optional<std::chrono::milliseconds> ParseDuration(
    const std::string& text) {
  static const std::pair<const char*, std::int64_t> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (i < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i++] - '0');
      if (++digits > 9) return std::nullopt;
    }
    if (digits == 0) return std::nullopt;
    std::int64_t factor = 0;
    for (const auto& [unit, ms] : kUnits) {
      const std::size_t len = std::char_traits<char>::length(unit);
      // "m" must not swallow the "m" of "ms".
      if (text.compare(i, len, unit) == 0 &&
          !(len == 1 && unit[0] == 'm' && i + 1 < text.size() &&
            text[i + 1] == 's')) {
        factor = ms;
        i += len;
        break;
      }
    }
    if (factor == 0) return std::nullopt;
    total += number * factor;
  }
  return std::chrono::milliseconds(total);
}

std::optional<std::uint64_t> ParseByteSize(const std::string& text) {
  static const std::pair<const char*, std::uint64_t> kUnits[] = {
      {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"", 1}};
  std::size_t i = 0;
  std::uint64_t number = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (i >= 12) return std::nullopt;
    number = number * 10 + static_cast<std::uint64_t>(text[i++] - '0');
  }
  if (i == 0) return std::nullopt;
  const std::string unit = text.substr(i);
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) return number * factor;
  }
  return std::nullopt;
}

}  // namespace replwatch

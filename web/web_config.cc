#include "web/web_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "config/bounded_file.h"
#include "config/yaml_checker.h"
#include "config/yaml_text_check.h"
#include "web/basic_auth.h"
#include "web/tls_config_parser.h"

namespace replwatch::web {
namespace {

// exporter-toolkit only lets these headers be configured, some of them only
// with fixed values; keeping the same list keeps configs interchangeable.
const std::map<std::string, std::vector<std::string>> kConfigurableHeaders = {
    {"Strict-Transport-Security", {}},
    {"X-Content-Type-Options", {"nosniff"}},
    {"X-Frame-Options", {"deny", "sameorigin"}},
    {"X-XSS-Protection", {}},
    {"Content-Security-Policy", {}},
};

bool HasControlCharacter(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

// Throws WebConfigError with one problem per line if `check` found any.
void ThrowIfAny(const YamlChecker& check) {
  if (check.problems().empty()) return;
  std::string text;
  for (const auto& line : check.problems()) {
    if (!text.empty()) text += '\n';
    text += line;
  }
  throw WebConfigError(text);
}

std::string Unsupported(const std::string& name) {
  return "\"" + name +
         "\" is an exporter-toolkit setting that replwatch does not support";
}

void ParseUsers(const YAML::Node& section, WebConfig& config,
                YamlChecker& check) {
  if (section.IsNull()) return;
  if (!section.IsMap()) {
    check.Error(section,
                "basic_auth_users must be a map of user name to bcrypt hash");
    return;
  }
  check.ForEachEntry(section, [&](const std::string& user,
                                  const YAML::Node& user_node,
                                  const YAML::Node& value) {
    if (user.empty() || user.find(':') != std::string::npos) {
      check.Error(user_node, "user names must be non-empty and contain no ':'");
      return;
    }
    const auto hash =
        check.StringValue("the hash of user \"" + user + "\"", value);
    if (!hash) return;
    if (!IsBcryptHash(*hash)) {
      // The value itself is not echoed: it may be a plain-text password.
      check.Error(value, "the hash of user \"" + user +
                             "\" is not a bcrypt hash ($2a$, $2b$ "
                             "or $2y$, e.g. from htpasswd -nBC 10)");
      return;
    }
    config.basic_auth_users[user] = *hash;
  });
}

void ParseHeaders(const YAML::Node& section, WebConfig& config,
                  YamlChecker& check) {
  if (section.IsNull()) return;
  if (!section.IsMap()) {
    check.Error(section, "headers must be a map of header to value");
    return;
  }
  check.ForEachEntry(section, [&](const std::string& name,
                                  const YAML::Node& name_node,
                                  const YAML::Node& value_node) {
    const auto allowed = kConfigurableHeaders.find(name);
    if (allowed == kConfigurableHeaders.end()) {
      check.Error(name_node,
                  "HTTP header \"" + name + "\" can not be configured");
      return;
    }
    const auto value = check.StringValue(name, value_node);
    if (!value) return;
    const auto& choices = allowed->second;
    if (HasControlCharacter(*value) ||
        (!choices.empty() &&
         std::find(choices.begin(), choices.end(), *value) == choices.end())) {
      check.Error(value_node, "invalid value for " + name);
      return;
    }
    config.response_headers[name] = *value;
  });
}

void ParseHttpServerConfig(const YAML::Node& section, WebConfig& config,
                           YamlChecker& check) {
  if (section.IsNull()) return;
  if (!section.IsMap()) {
    check.Error(section, "http_server_config must be a map");
    return;
  }
  check.ForEachEntry(
      section, [&](const std::string& name, const YAML::Node& name_node,
                   const YAML::Node& value) {
        if (name == "headers") {
          ParseHeaders(value, config, check);
        } else if (name == "http2") {
          check.Error(name_node, Unsupported(name) + " (HTTP/1.1 only)");
        } else {
          check.Error(name_node,
                      "unknown key \"" + name + "\" in http_server_config");
        }
      });
}

}  // namespace

WebConfig LoadWebConfig(const std::string& path) {
  const BoundedFile file = ReadBoundedFile(path, kMaxWebConfigFileBytes);
  if (!file.error.empty()) throw WebConfigError(path + ": " + file.error);
  if (const auto problem = FindYamlTextProblem(file.text)) {
    YamlChecker check(path);
    check.ErrorAt(problem->line, problem->column, problem->message);
    ThrowIfAny(check);
  }
  YAML::Node root;
  try {
    root = YAML::Load(file.text);
  } catch (const YAML::Exception& e) {
    YamlChecker check(path);
    check.ErrorAt(e.mark, e.msg);
    ThrowIfAny(check);
  }

  WebConfig config;
  YamlChecker check(path);
  if (root.IsNull()) return config;
  if (!root.IsMap()) {
    check.Error(root, "the web config must be a map");
    ThrowIfAny(check);
  }
  const auto base_dir = std::filesystem::path(path).parent_path();
  check.ForEachEntry(
      root, [&](const std::string& name, const YAML::Node& name_node,
                const YAML::Node& value) {
        if (name == "tls_server_config") {
          config.tls = ParseTlsServerConfig(name_node, value, base_dir, check);
        } else if (name == "basic_auth_users") {
          ParseUsers(value, config, check);
        } else if (name == "http_server_config") {
          ParseHttpServerConfig(value, config, check);
        } else if (name == "rate_limit") {
          check.Error(name_node, Unsupported(name));
        } else {
          check.Error(name_node,
                      "unknown key \"" + name +
                          "\" (expected tls_server_config, basic_auth_users or "
                          "http_server_config)");
        }
      });
  ThrowIfAny(check);
  return config;
}

}  // namespace replwatch::web

#include "web/web_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "config/bounded_file.h"
#include "config/yaml_text_check.h"
#include "web/basic_auth.h"
#include "web/tls_config_parser.h"
#include "web/yaml_problems.h"

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

std::string Unsupported(const std::string& name) {
  return "\"" + name +
         "\" is an exporter-toolkit setting that replwatch does not support";
}

void ParseUsers(const YAML::Node& section, WebConfig& config,
                YamlProblems& problems) {
  if (section.IsNull()) return;
  if (!section.IsMap()) {
    problems.Add(section.Mark(),
                 "basic_auth_users must be a map of user name to bcrypt hash");
    return;
  }
  ForEachEntry(
      section, problems,
      [&](const std::string& user, const YAML::Node& user_node,
          const YAML::Node& value) {
        if (user.empty() || user.find(':') != std::string::npos) {
          problems.Add(user_node.Mark(),
                       "user names must be non-empty and contain no ':'");
          return;
        }
        const auto hash =
            ReadString("the hash of user \"" + user + "\"", value, problems);
        if (!hash) return;
        if (!IsBcryptHash(*hash)) {
          // The value itself is not echoed: it may be a plain-text password.
          problems.Add(value.Mark(),
                       "the hash of user \"" + user +
                           "\" is not a bcrypt hash ($2a$, $2b$ "
                           "or $2y$, e.g. from htpasswd -nBC 10)");
          return;
        }
        config.basic_auth_users[user] = *hash;
      });
}

void ParseHeaders(const YAML::Node& section, WebConfig& config,
                  YamlProblems& problems) {
  if (section.IsNull()) return;
  if (!section.IsMap()) {
    problems.Add(section.Mark(), "headers must be a map of header to value");
    return;
  }
  ForEachEntry(
      section, problems,
      [&](const std::string& name, const YAML::Node& name_node,
          const YAML::Node& value_node) {
        const auto allowed = kConfigurableHeaders.find(name);
        if (allowed == kConfigurableHeaders.end()) {
          problems.Add(name_node.Mark(),
                       "HTTP header \"" + name + "\" can not be configured");
          return;
        }
        const auto value = ReadString(name, value_node, problems);
        if (!value) return;
        const auto& choices = allowed->second;
        if (HasControlCharacter(*value) ||
            (!choices.empty() && std::find(choices.begin(), choices.end(),
                                           *value) == choices.end())) {
          problems.Add(value_node.Mark(), "invalid value for " + name);
          return;
        }
        config.response_headers[name] = *value;
      });
}

void ParseHttpServerConfig(const YAML::Node& section, WebConfig& config,
                           YamlProblems& problems) {
  if (section.IsNull()) return;
  if (!section.IsMap()) {
    problems.Add(section.Mark(), "http_server_config must be a map");
    return;
  }
  ForEachEntry(section, problems,
               [&](const std::string& name, const YAML::Node& name_node,
                   const YAML::Node& value) {
                 if (name == "headers") {
                   ParseHeaders(value, config, problems);
                 } else if (name == "http2") {
                   problems.Add(name_node.Mark(),
                                Unsupported(name) + " (HTTP/1.1 only)");
                 } else {
                   problems.Add(
                       name_node.Mark(),
                       "unknown key \"" + name + "\" in http_server_config");
                 }
               });
}

}  // namespace

WebConfig LoadWebConfig(const std::string& path) {
  const BoundedFile file = ReadBoundedFile(path, kMaxWebConfigFileBytes);
  if (!file.error.empty()) throw WebConfigError(path + ": " + file.error);
  if (const auto problem = FindYamlTextProblem(file.text)) {
    YAML::Mark mark;
    mark.line = problem->line;
    mark.column = problem->column;
    YamlProblems problems(path);
    problems.Add(mark, problem->message);
    problems.ThrowIfAny();
  }
  YAML::Node root;
  try {
    root = YAML::Load(file.text);
  } catch (const YAML::Exception& e) {
    YamlProblems problems(path);
    problems.Add(e.mark, e.msg);
    problems.ThrowIfAny();
  }

  WebConfig config;
  YamlProblems problems(path);
  if (root.IsNull()) return config;
  if (!root.IsMap()) {
    problems.Add(root.Mark(), "the web config must be a map");
    problems.ThrowIfAny();
  }
  const auto base_dir = std::filesystem::path(path).parent_path();
  ForEachEntry(
      root, problems,
      [&](const std::string& name, const YAML::Node& name_node,
          const YAML::Node& value) {
        if (name == "tls_server_config") {
          config.tls =
              ParseTlsServerConfig(name_node, value, base_dir, problems);
        } else if (name == "basic_auth_users") {
          ParseUsers(value, config, problems);
        } else if (name == "http_server_config") {
          ParseHttpServerConfig(value, config, problems);
        } else if (name == "rate_limit") {
          problems.Add(name_node.Mark(), Unsupported(name));
        } else {
          problems.Add(
              name_node.Mark(),
              "unknown key \"" + name +
                  "\" (expected tls_server_config, basic_auth_users or "
                  "http_server_config)");
        }
      });
  problems.ThrowIfAny();
  return config;
}

}  // namespace replwatch::web

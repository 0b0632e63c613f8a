#include "web/tls_config_parser.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>

#include "web/tls_context.h"

namespace replwatch::web {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string TlsServerConfig::*> kFileKeys = {
    {"cert_file", &TlsServerConfig::cert_file},
    {"key_file", &TlsServerConfig::key_file},
    {"client_ca_file", &TlsServerConfig::client_ca_file},
};

const std::map<std::string, ClientAuthType> kClientAuthTypes = {
    {"NoClientCert", ClientAuthType::kNoClientCert},
    {"RequestClientCert", ClientAuthType::kRequestClientCert},
    {"RequireAnyClientCert", ClientAuthType::kRequireAnyClientCert},
    {"VerifyClientCertIfGiven", ClientAuthType::kVerifyClientCertIfGiven},
    {"RequireAndVerifyClientCert", ClientAuthType::kRequireAndVerifyClientCert},
};

// Valid exporter-toolkit keys that this server does not implement; refused
// rather than ignored so nobody believes e.g. a cipher list is in force.
const std::set<std::string> kUnsupportedKeys = {
    "cert",
    "key",
    "client_ca",
    "cipher_suites",
    "curve_preferences",
    "prefer_server_cipher_suites",
    "client_allowed_sans",
};

std::optional<TlsVersion> ReadVersion(const std::string& name,
                                      const YAML::Node& value,
                                      YamlChecker& check) {
  const auto text = check.StringValue(name, value);
  if (!text) return std::nullopt;
  if (*text == "TLS12") return TlsVersion::kTls12;
  if (*text == "TLS13") return TlsVersion::kTls13;
  if (*text == "TLS10" || *text == "TLS11") {
    check.Error(value,
                name + " " + *text + " is not supported (use TLS12 or TLS13)");
  } else {
    check.Error(value, name + " must be TLS12 or TLS13");
  }
  return std::nullopt;
}

std::optional<ClientAuthType> ReadClientAuthType(const YAML::Node& value,
                                                 YamlChecker& check) {
  const auto text = check.StringValue("client_auth_type", value);
  if (!text) return std::nullopt;
  if (text->empty()) return ClientAuthType::kNoClientCert;
  const auto found = kClientAuthTypes.find(*text);
  if (found != kClientAuthTypes.end()) return found->second;
  std::string names;
  for (const auto& [name, type] : kClientAuthTypes) {
    names += names.empty() ? name : ", " + name;
  }
  check.Error(value, "client_auth_type must be one of " + names);
  return std::nullopt;
}

std::string ResolvePath(const std::string& file, const fs::path& base_dir) {
  if (file.empty() || fs::path(file).is_absolute()) return file;
  return (base_dir / file).string();
}

}  // namespace

std::optional<TlsServerConfig> ParseTlsServerConfig(const YAML::Node& key,
                                                    const YAML::Node& section,
                                                    const fs::path& base_dir,
                                                    YamlChecker& check) {
  if (section.IsNull()) return std::nullopt;
  if (!section.IsMap()) {
    check.Error(section, "tls_server_config must be a map");
    return std::nullopt;
  }
  const std::size_t problems_before = check.problems().size();
  TlsServerConfig config;
  std::map<std::string, YAML::Mark> marks;
  check.ForEachEntry(
      section, [&](const std::string& name, const YAML::Node& name_node,
                   const YAML::Node& value) {
        marks[name] = value.Mark();
        if (const auto file = kFileKeys.find(name); file != kFileKeys.end()) {
          if (auto text = check.StringValue(name, value)) {
            config.*(file->second) = ResolvePath(*text, base_dir);
          }
        } else if (name == "client_auth_type") {
          if (auto type = ReadClientAuthType(value, check)) {
            config.client_auth_type = *type;
          }
        } else if (name == "min_version" || name == "max_version") {
          if (auto version = ReadVersion(name, value, check)) {
            (name == "min_version" ? config.min_version : config.max_version) =
                *version;
          }
        } else if (kUnsupportedKeys.count(name) != 0) {
          check.Error(name_node, "\"" + name +
                                     "\" is an exporter-toolkit setting "
                                     "that replwatch does not support");
        } else {
          check.Error(name_node,
                      "unknown key \"" + name + "\" in tls_server_config");
        }
      });
  const auto mark_of = [&](const std::string& name) {
    const auto found = marks.find(name);
    return found != marks.end() ? found->second : key.Mark();
  };

  for (const char* required : {"cert_file", "key_file"}) {
    // A value of the wrong type was reported already.
    const YAML::Node given = section[required];
    const bool wrong_type = given && !given.IsNull() && !given.IsScalar();
    if ((config.*kFileKeys.at(required)).empty() && !wrong_type) {
      check.ErrorAt(mark_of(required),
                    std::string("tls_server_config needs ") + required);
    }
  }
  const bool verifies =
      config.client_auth_type == ClientAuthType::kVerifyClientCertIfGiven ||
      config.client_auth_type == ClientAuthType::kRequireAndVerifyClientCert;
  if (verifies && config.client_ca_file.empty()) {
    check.ErrorAt(mark_of("client_auth_type"),
                  "this client_auth_type needs client_ca_file");
  }
  if (!config.client_ca_file.empty() &&
      config.client_auth_type == ClientAuthType::kNoClientCert) {
    check.ErrorAt(mark_of("client_ca_file"),
                  "client_ca_file is set but client_auth_type is NoClientCert");
  }
  if (config.min_version > config.max_version) {
    check.ErrorAt(mark_of("min_version"), "min_version is above max_version");
  }
  for (const auto& [name, member] : kFileKeys) {
    const std::string& path = config.*member;
    if (!path.empty() && access(path.c_str(), R_OK) != 0) {
      check.ErrorAt(mark_of(name), "cannot read " + name + " \"" + path +
                                       "\": " + std::strerror(errno));
    }
  }
  if (check.problems().size() != problems_before) return std::nullopt;

  try {
    MakeTlsContext(config);
  } catch (const TlsContextError& e) {
    check.ErrorAt(mark_of(e.field()), e.what());
    return std::nullopt;
  }
  return config;
}

}  // namespace replwatch::web

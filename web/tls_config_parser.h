#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>

#include "config/yaml_checker.h"
#include "web/web_config.h"

namespace replwatch::web {

// Parses the tls_server_config section (key is its map key, for positions).
// Relative paths are resolved against base_dir, and the files are loaded
// once to catch unreadable or mismatched certificates at load time.
// Returns nullopt when the section is empty or has problems.
std::optional<TlsServerConfig> ParseTlsServerConfig(
    const YAML::Node& key, const YAML::Node& section,
    const std::filesystem::path& base_dir, YamlChecker& check);

}  // namespace replwatch::web

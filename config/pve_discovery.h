#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace replwatch {

/// Where a PVE node keeps what discovery reads.
struct PveDiscoverySettings {
  std::string pve_dir = "/etc/pve";            // pmxcfs mount
  std::string key_file = "/root/.ssh/id_rsa";  // the cluster's root key
};

/// The three files discovery reads.
struct PveDiscoveryFiles {
  std::string members;      // pmxcfs's .members: cluster, nodes, addresses
  std::string known_hosts;  // the cluster's known_hosts
  std::string key;          // the cluster's root SSH key
};

/// The names under which systemd's LoadCredential= (the drop-in
/// systemd/pve-discovery.conf) hands the service copies of those files.
inline constexpr const char* kMembersCredential = "pve-members";
inline constexpr const char* kKnownHostsCredential = "pve-known-hosts";
inline constexpr const char* kKeyCredential = "pve-ssh-key";

/// The files to read: the copies in `credentials_dir` ($CREDENTIALS_DIRECTORY,
/// empty when unset) if it holds pve-members, else `<pve_dir>/.members`,
/// `<pve_dir>/priv/known_hosts` and the key file of `settings`.
PveDiscoveryFiles ChooseDiscoveryFiles(const PveDiscoverySettings& settings,
                                       const std::string& credentials_dir);

/// Zero-config on a PVE node: a config that watches every node of the
/// cluster this machine belongs to, read from pmxcfs's `.members` (cluster
/// name, node names and addresses) with the cluster's own root SSH key and
/// known_hosts. Returns nullopt when `.members` does not exist (not a PVE
/// cluster node); throws ConfigError when it is unreadable or malformed, or
/// the key or known_hosts cannot be read.
std::optional<Config> DiscoverPveCluster(
    const PveDiscoveryFiles& files,
    const std::vector<std::string>& collector_names);

/// How the config to run with is chosen (from the flags and environment).
struct ConfigChoice {
  std::string config_file;
  bool config_file_given = false;
  bool discover = false;  // --pve.discover: discovery, the file is not read
  PveDiscoverySettings pve;
  std::string credentials_dir;  // $CREDENTIALS_DIRECTORY
};

/// The config to run with: the discovered cluster with `discover`, or when no
/// config file was given and the default one does not exist; else the config
/// file. Throws ConfigError.
Config LoadOrDiscoverConfig(const ConfigChoice& choice,
                            const std::vector<std::string>& collector_names);

}  // namespace replwatch

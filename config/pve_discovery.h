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

/// Zero-config on a PVE node: a config that watches every node of the
/// cluster this machine belongs to, read from pmxcfs: `<pve_dir>/.members`
/// (cluster name, node names and addresses) with the cluster's own root SSH
/// key and `<pve_dir>/priv/known_hosts`. Returns nullopt when `.members`
/// does not exist (not a PVE cluster node); throws ConfigError when it is
/// unreadable or malformed.
std::optional<Config> DiscoverPveCluster(
    const PveDiscoverySettings& settings,
    const std::vector<std::string>& collector_names);

}  // namespace replwatch

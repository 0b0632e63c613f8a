#include "config/pve_discovery.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "collectors/parsers/json.h"
#include "collectors/parsers/parse_error.h"
#include "config/config_loader.h"
#include "config/name_rules.h"

namespace replwatch {

std::optional<Config> DiscoverPveCluster(
    const PveDiscoverySettings& settings,
    const std::vector<std::string>& collector_names) {
  const std::string members_path = settings.pve_dir + "/.members";
  std::ifstream in(members_path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  const auto fail = [&](const std::string& why) {
    return ConfigError({members_path + ":1:1: " + why});
  };
  parsers::JsonValue members;
  try {
    members = parsers::ParseJson(text.str());
  } catch (const parsers::ParseError& e) {
    throw fail(std::string("not valid JSON: ") + e.what());
  }
  const parsers::JsonValue* cluster = members.Find("cluster");
  const parsers::JsonValue* nodelist = members.Find("nodelist");
  const parsers::JsonValue* name = cluster ? cluster->Find("name") : nullptr;
  if (name == nullptr || !name->is_string() || nodelist == nullptr ||
      !nodelist->is_object()) {
    // A standalone node has a .members without a cluster.
    throw fail("no cluster name and node list (is this node in a cluster?)");
  }
  if (!IsValidClusterName(name->AsString())) {
    throw fail("cluster name '" + name->AsString() + "' is not usable");
  }
  Config config;
  config.source_file = members_path + " (discovered)";
  for (const auto& collector : collector_names) config.collectors[collector] = {};
  SshSettings ssh;
  ssh.key_file = settings.key_file;
  ssh.known_hosts_file = settings.pve_dir + "/priv/known_hosts";
  for (const auto& [node_name, node] : nodelist->AsObject()) {
    const parsers::JsonValue* ip = node.Find("ip");
    if (!IsValidNodeName(node_name) || ip == nullptr || !ip->is_string() ||
        !IsValidHostAddress(ip->AsString())) {
      throw fail("node '" + node_name + "' has no usable name or ip");
    }
    NodeConfig out;
    out.cluster = name->AsString();
    out.name = node_name;
    out.address = ip->AsString();
    // PVE's known_hosts lists nodes by name as well as by address.
    out.host_key_alias = node_name;
    out.ssh = ssh;
    config.nodes.push_back(out);
  }
  if (config.nodes.empty()) throw fail("the node list is empty");
  if (access(ssh.key_file.c_str(), R_OK) != 0 ||
      access(ssh.known_hosts_file.c_str(), R_OK) != 0) {
    throw ConfigError({members_path + ":1:1: discovered cluster '" +
                       name->AsString() + "', but cannot read " +
                       ssh.key_file + " or " + ssh.known_hosts_file +
                       " (run as root or give a config file)"});
  }
  return config;
}

}  // namespace replwatch

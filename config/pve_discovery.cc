#include "config/pve_discovery.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "config/bounded_file.h"
#include "config/config_loader.h"
#include "text/json.h"
#include "text/name_rules.h"
#include "text/parse_error.h"

namespace replwatch {
namespace {

// Only root (or the service, through the drop-in's credentials) can read
// priv/known_hosts and the root key.
constexpr const char* kWhoMayRead =
    " (run as root, or as the packaged service with the drop-in "
    "/usr/share/replwatch/pve-discovery.conf, which passes these files as "
    "systemd credentials; or give a config file)";

}  // namespace

PveDiscoveryFiles ChooseDiscoveryFiles(const PveDiscoverySettings& settings,
                                       const std::string& credentials_dir) {
  const std::string credential = credentials_dir + "/";
  if (!credentials_dir.empty() &&
      access((credential + kMembersCredential).c_str(), F_OK) == 0) {
    return {credential + kMembersCredential, credential + kKnownHostsCredential,
            credential + kKeyCredential};
  }
  return {settings.pve_dir + "/.members",
          settings.pve_dir + "/priv/known_hosts", settings.key_file};
}

std::optional<Config> DiscoverPveCluster(
    const PveDiscoveryFiles& files,
    const std::vector<std::string>& collector_names) {
  const auto fail = [&](const std::string& why) {
    return ConfigError({files.members + ":1:1: " + why});
  };
  if (access(files.members.c_str(), F_OK) != 0) return std::nullopt;
  std::ifstream in(files.members);
  if (!in) throw fail(std::string("cannot read it") + kWhoMayRead);
  std::stringstream text;
  text << in.rdbuf();
  text::JsonValue members;
  try {
    members = text::ParseJson(text.str());
  } catch (const text::ParseError& e) {
    throw fail(std::string("not valid JSON: ") + e.what());
  }
  const text::JsonValue* cluster = members.Find("cluster");
  const text::JsonValue* nodelist = members.Find("nodelist");
  const text::JsonValue* name = cluster ? cluster->Find("name") : nullptr;
  if (name == nullptr || !name->is_string() || nodelist == nullptr ||
      !nodelist->is_object()) {
    // A standalone node has a .members without a cluster.
    throw fail("no cluster name and node list (is this node in a cluster?)");
  }
  if (!text::IsValidClusterName(name->AsString())) {
    throw fail("cluster name '" + name->AsString() + "' is not usable");
  }
  Config config;
  config.source_file = files.members + " (discovered)";
  for (const auto& collector : collector_names)
    config.collectors[collector] = {};
  SshSettings ssh;
  ssh.key_file = files.key;
  ssh.known_hosts_file = files.known_hosts;
  for (const auto& [node_name, node] : nodelist->AsObject()) {
    const text::JsonValue* ip = node.Find("ip");
    if (!text::IsValidNodeName(node_name) || ip == nullptr ||
        !ip->is_string() || !text::IsValidHostAddress(ip->AsString())) {
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
  if (!IsReadable(ssh.key_file) || !IsReadable(ssh.known_hosts_file)) {
    throw fail("discovered cluster '" + name->AsString() +
               "', but cannot read " + ssh.key_file + " or " +
               ssh.known_hosts_file + kWhoMayRead);
  }
  return config;
}

Config LoadOrDiscoverConfig(const ConfigChoice& choice,
                            const std::vector<std::string>& collector_names) {
  const bool no_config_file = !choice.config_file_given &&
                              access(choice.config_file.c_str(), F_OK) != 0;
  if (!choice.discover && !no_config_file) {
    return LoadConfigFile(choice.config_file, collector_names);
  }
  const PveDiscoveryFiles files =
      ChooseDiscoveryFiles(choice.pve, choice.credentials_dir);
  if (auto discovered = DiscoverPveCluster(files, collector_names)) {
    return *discovered;
  }
  if (choice.discover) {
    throw ConfigError({files.members +
                       ":1:1: --pve.discover, but this is no PVE cluster node "
                       "(the file does not exist)"});
  }
  throw ConfigError({choice.config_file +
                     ":1:1: no config file, and no PVE cluster to discover "
                     "(no " +
                     files.members + ")"});
}

}  // namespace replwatch

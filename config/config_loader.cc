#include "config/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "config/bounded_file.h"
#include "config/shard_assignment.h"
#include "config/yaml_checker.h"
#include "config/yaml_text_check.h"
#include "text/name_rules.h"

namespace replwatch {
namespace {

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

void ReadGlobal(YamlChecker& check, const YAML::Node& node,
                GlobalSettings& global) {
  if (!check.CheckMap(
          node, "global",
          {"collection_interval", "jitter", "connect_timeout",
           "command_timeout", "keepalive_interval", "ssh_session_max_age",
           "reconnect_backoff_initial", "reconnect_backoff_max",
           "max_output_bytes", "max_concurrent_nodes", "shard", "zfs_json",
           "incremental_snapshots"})) {
    return;
  }
  auto duration = [&](const char* key, std::chrono::milliseconds& out) {
    if (auto value = check.Duration(node, key)) {
      if (value->count() <= 0 && std::string(key) != "jitter") {
        check.Error(node[key], std::string("'") + key + "' must be positive");
      } else {
        out = *value;
      }
    }
  };
  duration("collection_interval", global.collection_interval);
  duration("jitter", global.jitter);
  duration("connect_timeout", global.connect_timeout);
  duration("command_timeout", global.command_timeout);
  duration("keepalive_interval", global.keepalive_interval);
  duration("ssh_session_max_age", global.ssh_session_max_age);
  duration("reconnect_backoff_initial", global.reconnect_backoff_initial);
  duration("reconnect_backoff_max", global.reconnect_backoff_max);
  if (auto bytes = check.Bytes(node, "max_output_bytes")) {
    if (*bytes < 4096) {
      check.Error(node["max_output_bytes"],
                  "'max_output_bytes' must be at least 4096");
    } else {
      global.max_output_bytes = *bytes;
    }
  }
  if (auto n = check.Integer(node, "max_concurrent_nodes", 1, 512)) {
    global.max_concurrent_nodes = static_cast<int>(*n);
  }
  if (auto json = check.Bool(node, "zfs_json")) global.zfs_json = *json;
  if (auto incremental = check.Bool(node, "incremental_snapshots")) {
    global.incremental_snapshots = *incremental;
  }
  if (auto text = check.String(node, "shard")) {
    std::string error;
    if (auto shard = ParseShardSpec(*text, error)) {
      global.shard = *shard;
    } else {
      check.Error(node["shard"], error);
    }
  }
}

void ReadSsh(YamlChecker& check, const YAML::Node& node, SshSettings& ssh) {
  if (!check.CheckMap(node, "ssh",
                      {"user", "key_file", "use_agent", "known_hosts_file"})) {
    return;
  }
  if (auto user = check.String(node, "user")) {
    if (!text::IsValidUnixUserName(*user)) {
      check.Error(node["user"], "'user' is not a valid user name");
    } else {
      ssh.user = *user;
    }
  }
  if (auto agent = check.Bool(node, "use_agent")) ssh.use_agent = *agent;
  auto path = [&](const char* key, std::string& out) {
    if (auto value = check.String(node, key)) {
      if (!IsReadable(*value)) {
        check.Error(node[key], std::string("'") + key + "' file '" + *value +
                                   "' does not exist or is not readable");
      }
      out = *value;
    }
  };
  path("key_file", ssh.key_file);
  path("known_hosts_file", ssh.known_hosts_file);
}

void ReadCollectors(YamlChecker& check, const YAML::Node& node,
                    const std::vector<std::string>& names, Config& config) {
  if (!node.IsMap()) {
    check.Error(node, "collectors must be a mapping");
    return;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.Scalar();
    bool known = false;
    for (const auto& candidate : names) known = known || candidate == name;
    if (!known) {
      check.Error(it->first, "unknown collector '" + name + "'");
      continue;
    }
    if (!seen.insert(name).second) {
      check.Error(it->first, "duplicate key '" + name + "' in collectors");
    }
    CollectorSettings settings;
    if (check.CheckMap(it->second, "collector " + name,
                       {"enabled", "interval"})) {
      if (auto enabled = check.Bool(it->second, "enabled")) {
        settings.enabled = *enabled;
      }
      if (auto interval = check.Duration(it->second, "interval")) {
        settings.interval = *interval;
      }
    }
    config.collectors[name] = settings;
  }
}

void ReadNode(YamlChecker& check, const YAML::Node& node,
              const std::string& cluster, const SshSettings& ssh,
              std::set<std::string>& names, Config& config) {
  if (!check.CheckMap(
          node, "node",
          {"name", "address", "port", "transport", "host_key_alias"})) {
    return;
  }
  NodeConfig out;
  out.cluster = cluster;
  out.ssh = ssh;
  if (auto name = check.String(node, "name")) {
    if (!text::IsValidNodeName(*name)) {
      check.Error(node["name"],
                  "node name '" + *name + "' is not a valid PVE node name");
    } else if (!names.insert(*name).second) {
      check.Error(node["name"], "duplicate node '" + *name + "' in cluster '" +
                                    cluster + "'");
    }
    out.name = *name;
  } else {
    check.Error(node, "node needs a 'name'");
  }
  if (auto transport = check.String(node, "transport")) {
    if (*transport == "local") {
      out.transport = TransportKind::kLocal;
    } else if (*transport != "ssh") {
      check.Error(node["transport"], "'transport' must be ssh or local");
    }
  }
  if (auto address = check.String(node, "address")) {
    if (!text::IsValidHostAddress(*address)) {
      check.Error(node["address"],
                  "'" + *address + "' is not a valid IP address or host");
    }
    out.address = *address;
  } else if (out.transport == TransportKind::kSsh) {
    check.Error(node, "node '" + out.name + "' needs an 'address' for ssh");
  }
  if (auto port = check.Integer(node, "port", 1, 65535)) {
    out.port = static_cast<unsigned>(*port);
  }
  if (auto alias = check.String(node, "host_key_alias")) {
    if (!text::IsValidHostAddress(*alias)) {
      check.Error(node["host_key_alias"], "'host_key_alias' is not a host");
    }
    out.host_key_alias = *alias;
  }
  if (out.transport == TransportKind::kSsh) {
    if (out.ssh.key_file.empty() && !out.ssh.use_agent) {
      check.Error(node, "node '" + out.name +
                            "' has no ssh key_file and use_agent is false");
    }
    if (!IsReadable(out.ssh.known_hosts_file)) {
      check.Error(node, "known_hosts_file '" + out.ssh.known_hosts_file +
                            "' for node '" + out.name +
                            "' does not exist or is not readable");
    }
  }
  config.nodes.push_back(std::move(out));
}

void ReadClusters(YamlChecker& check, const YAML::Node& node,
                  const SshSettings& global_ssh, Config& config) {
  if (!check.CheckSequence(node, "clusters")) return;
  std::set<std::string> cluster_names;
  for (const auto& cluster : node) {
    if (!check.CheckMap(cluster, "cluster", {"name", "ssh", "nodes"})) continue;
    auto name = check.String(cluster, "name");
    if (!name) {
      check.Error(cluster, "cluster needs a 'name'");
      name = "";
    } else if (!text::IsValidClusterName(*name)) {
      check.Error(cluster["name"], "cluster name '" + *name + "' is invalid");
    } else if (!cluster_names.insert(*name).second) {
      check.Error(cluster["name"], "duplicate cluster '" + *name + "'");
    }
    SshSettings ssh = global_ssh;
    if (cluster["ssh"].IsDefined()) ReadSsh(check, cluster["ssh"], ssh);
    const YAML::Node nodes = cluster["nodes"];
    if (!nodes.IsDefined() || (nodes.IsSequence() && nodes.size() == 0)) {
      check.Error(cluster, "cluster '" + *name + "' has no nodes");
      continue;
    }
    if (!check.CheckSequence(nodes, "nodes")) continue;
    std::set<std::string> node_names;
    for (const auto& entry : nodes) {
      ReadNode(check, entry, *name, ssh, node_names, config);
    }
  }
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : std::runtime_error(JoinLines(problems)), problems_(std::move(problems)) {}

Config ParseConfig(const std::string& yaml_text, const std::string& file_name,
                   const std::vector<std::string>& collector_names) {
  YamlChecker check(file_name);
  if (const auto problem = FindYamlTextProblem(yaml_text)) {
    check.ErrorAt(problem->line, problem->column, problem->message);
    throw ConfigError(check.problems());
  }
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    check.ErrorAt(e.mark.line, e.mark.column, "YAML syntax error: " + e.msg);
    throw ConfigError(check.problems());
  }
  Config config;
  config.source_file = file_name;
  for (const auto& name : collector_names) config.collectors[name] = {};
  if (!root.IsDefined() || root.IsNull()) {
    check.ErrorAt(0, 0, "the config is empty; it needs at least 'clusters'");
    throw ConfigError(check.problems());
  }
  if (check.CheckMap(root, "the config",
                     {"global", "ssh", "collectors", "clusters"})) {
    if (root["global"].IsDefined()) {
      ReadGlobal(check, root["global"], config.global);
    }
    SshSettings ssh;
    if (root["ssh"].IsDefined()) ReadSsh(check, root["ssh"], ssh);
    if (root["collectors"].IsDefined()) {
      ReadCollectors(check, root["collectors"], collector_names, config);
    }
    if (root["clusters"].IsDefined()) {
      ReadClusters(check, root["clusters"], ssh, config);
    } else {
      check.Error(root, "the config has no 'clusters'");
    }
  }
  if (!check.problems().empty()) throw ConfigError(check.problems());
  for (NodeConfig& node : config.nodes) {
    node.zfs_json = config.global.zfs_json;
    node.incremental_snapshots = config.global.incremental_snapshots;
  }
  return config;
}

Config LoadConfigFile(const std::string& path,
                      const std::vector<std::string>& collector_names) {
  const BoundedFile file = ReadBoundedFile(path, kMaxConfigFileBytes);
  if (!file.error.empty()) {
    throw ConfigError(
        {path + ":1:1: cannot read the config file: " + file.error});
  }
  return ParseConfig(file.text, path, collector_names);
}

bool NodeConfig::operator==(const NodeConfig& o) const {
  return cluster == o.cluster && name == o.name && address == o.address &&
         port == o.port && transport == o.transport &&
         host_key_alias == o.host_key_alias && ssh.user == o.ssh.user &&
         ssh.key_file == o.ssh.key_file && ssh.use_agent == o.ssh.use_agent &&
         ssh.known_hosts_file == o.ssh.known_hosts_file &&
         zfs_json == o.zfs_json &&
         incremental_snapshots == o.incremental_snapshots;
}

}  // namespace replwatch

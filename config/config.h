#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace replwatch {

/// How replwatch reaches a node: over SSH, or by running commands locally
/// (for the node replwatch itself runs on).
enum class TransportKind { kSsh, kLocal };

/// SSH settings; set globally under `ssh:` and overridable per cluster.
struct SshSettings {
  std::string user = "root";
  std::string key_file;  // empty = no key file (agent only)
  bool use_agent = false;
  std::string known_hosts_file = "/etc/pve/priv/known_hosts";
};

/// Which slice of the fleet one replwatch instance watches: shard `index` of
/// `count`, 0-based like Prometheus' hashmod (`0/2` and `1/2` split a fleet
/// in two). The unit of assignment is the cluster (config/shard_assignment.h):
/// replication never crosses clusters, so a shard that owns a cluster sees
/// both ends of every job.
struct ShardSpec {
  unsigned index = 0;
  unsigned count = 1;

  bool operator==(const ShardSpec& o) const {
    return index == o.index && count == o.count;
  }
  bool operator!=(const ShardSpec& o) const { return !(*this == o); }
};

/// Timing and limits that apply to every node.
struct GlobalSettings {
  std::chrono::milliseconds collection_interval{std::chrono::seconds(60)};
  std::chrono::milliseconds jitter{std::chrono::seconds(5)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds command_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(30)};
  std::chrono::milliseconds ssh_session_max_age{std::chrono::minutes(10)};
  std::chrono::milliseconds reconnect_backoff_initial{std::chrono::seconds(5)};
  std::chrono::milliseconds reconnect_backoff_max{std::chrono::minutes(5)};
  std::uint64_t max_output_bytes = 64ull << 20;
  int max_concurrent_nodes = 8;
  /// Read OpenZFS's JSON (`zpool status -j --json-int`) on nodes whose
  /// OpenZFS is 2.3 or later; false: text everywhere.
  bool zfs_json = true;
  /// List only the snapshots of datasets whose `snapshots_changed` moved
  /// (OpenZFS >= 2.2), with a full listing every 6 hours; false: every
  /// snapshot every cycle.
  bool incremental_snapshots = true;
  ShardSpec shard;  // `global.shard`; --shard overrides it
};

/// Per-collector switch and interval (0 = the global collection_interval).
struct CollectorSettings {
  bool enabled = true;
  std::chrono::milliseconds interval{0};
};

/// One PVE node to watch.
struct NodeConfig {
  std::string cluster;  // name of the cluster it belongs to
  std::string name;
  std::string address;  // IP address or host name (SSH only)
  unsigned port = 22;
  TransportKind transport = TransportKind::kSsh;
  std::string host_key_alias;  // known_hosts lookup name; empty = address
  SshSettings ssh;             // effective settings after overrides
  bool zfs_json = true;        // GlobalSettings::zfs_json
  bool incremental_snapshots = true;  // GlobalSettings::incremental_snapshots

  bool operator==(const NodeConfig& o) const;
  bool operator!=(const NodeConfig& o) const { return !(*this == o); }
};

/// The whole validated configuration.
struct Config {
  std::string source_file;
  GlobalSettings global;
  std::map<std::string, CollectorSettings> collectors;  // by collector name
  std::vector<NodeConfig> nodes;  // every configured cluster, all shards
};

}  // namespace replwatch

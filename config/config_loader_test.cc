#include "config/config_loader.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "config/yaml_checker.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

const std::vector<std::string> kCollectors = {"node", "pools"};

// A key and known_hosts file that exist, so only the tested problem shows.
struct TempFiles {
  std::string dir;
  std::string key;
  std::string known_hosts;
  TempFiles() {
    char pattern[] = "/tmp/replwatch-config-test-XXXXXX";
    dir = mkdtemp(pattern);
    key = dir + "/id_ed25519";
    known_hosts = dir + "/known_hosts";
    std::ofstream(key) << "not really a key\n";
    std::ofstream(known_hosts) << "\n";
  }
  ~TempFiles() {
    std::remove(key.c_str());
    std::remove(known_hosts.c_str());
    rmdir(dir.c_str());
  }
  std::string SshBlock() const {
    return "ssh:\n  key_file: " + key + "\n  known_hosts_file: " + known_hosts +
           "\n";
  }
};

std::vector<std::string> ProblemsOf(const std::string& yaml) {
  try {
    ParseConfig(yaml, "test.yml", kCollectors);
  } catch (const ConfigError& e) {
    return e.problems();
  }
  return {};
}

TEST_CASE("a valid config is read with overrides and defaults", "[config]") {
  TempFiles files;
  const Config config = ParseConfig(
      "global:\n  collection_interval: 15s\n  max_output_bytes: 8MiB\n" +
          files.SshBlock() +
          "collectors:\n  pools: {enabled: false}\n"
          "clusters:\n"
          "  - name: lab\n"
          "    nodes:\n"
          "      - {name: pve1, address: 198.18.0.11}\n"
          "      - {name: pve2, address: 'fd00::2', port: 2222,"
          " host_key_alias: pve2}\n"
          "  - name: local\n"
          "    nodes: [{name: self, transport: local}]\n",
      "test.yml", kCollectors);
  REQUIRE(config.nodes.size() == 3);
  CHECK(config.global.collection_interval == std::chrono::seconds(15));
  CHECK(config.global.max_output_bytes == 8u << 20);
  CHECK(config.nodes[0].cluster == "lab");
  CHECK(config.nodes[0].ssh.key_file == files.key);
  CHECK(config.nodes[1].port == 2222);
  CHECK(config.nodes[1].host_key_alias == "pve2");
  CHECK(config.nodes[2].transport == TransportKind::kLocal);
  CHECK_FALSE(config.collectors.at("pools").enabled);
  CHECK(config.collectors.at("node").enabled);
}

TEST_CASE("unknown keys are reported with file, line and column", "[config]") {
  TempFiles files;
  const auto problems = ProblemsOf(files.SshBlock() +
                                   "clusters:\n"
                                   "  - name: lab\n"
                                   "    nodez: []\n");
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].rfind("test.yml:6:5: unknown key 'nodez' in cluster", 0) ==
        0);
  CHECK(problems[1] == "test.yml:5:5: cluster 'lab' has no nodes");
}

TEST_CASE("wrong types are reported, all of them", "[config]") {
  TempFiles files;
  const auto problems = ProblemsOf(
      "global:\n  collection_interval: soon\n  max_concurrent_nodes: many\n" +
      files.SshBlock() +
      "clusters:\n  - name: lab\n    nodes:\n"
      "      - {name: pve1, address: 198.18.0.11, port: [22]}\n");
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] ==
        "test.yml:2:24: 'collection_interval' must be a duration like 500ms, "
        "15s, 5m or 1h30m, not 'soon'");
  CHECK(problems[1] ==
        "test.yml:3:25: 'max_concurrent_nodes' must be an integer, not "
        "'many'");
  CHECK(problems[2] == "test.yml:10:50: 'port' must be an integer");
}

TEST_CASE("global.shard is read as i/n, a bad one is reported", "[config]") {
  TempFiles files;
  const std::string clusters =
      "clusters:\n  - name: lab\n    nodes:\n"
      "      - {name: pve1, address: 198.18.0.11}\n";
  const Config unsharded =
      ParseConfig(files.SshBlock() + clusters, "test.yml", kCollectors);
  CHECK(unsharded.global.shard == ShardSpec{0, 1});
  const Config sharded =
      ParseConfig("global:\n  shard: 1/3\n" + files.SshBlock() + clusters,
                  "test.yml", kCollectors);
  CHECK(sharded.global.shard == ShardSpec{1, 3});
  const auto problems =
      ProblemsOf("global:\n  shard: 3/2\n" + files.SshBlock() + clusters);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] ==
        "test.yml:2:10: shard '3/2': shards are numbered from 0, so i must be "
        "0 to 1");
}

TEST_CASE("global.incremental_snapshots reaches every node, on by default",
          "[config]") {
  TempFiles files;
  const std::string clusters =
      "clusters:\n  - name: lab\n    nodes:\n"
      "      - {name: pve1, address: 198.18.0.11}\n"
      "      - {name: pve2, address: 198.18.0.12}\n";
  const Config plain =
      ParseConfig(files.SshBlock() + clusters, "test.yml", kCollectors);
  CHECK(plain.global.incremental_snapshots);
  CHECK(plain.nodes.at(1).incremental_snapshots);
  const Config full = ParseConfig(
      "global:\n  incremental_snapshots: false\n" + files.SshBlock() + clusters,
      "test.yml", kCollectors);
  CHECK_FALSE(full.nodes.at(0).incremental_snapshots);
  CHECK_FALSE(full.nodes.at(1).incremental_snapshots);
  CHECK(full.nodes.at(0) != plain.nodes.at(0));  // a reload restarts it
  const auto problems = ProblemsOf("global:\n  incremental_snapshots: maybe\n" +
                                   files.SshBlock() + clusters);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0],
             Catch::Matchers::StartsWith(
                 "test.yml:2:26: 'incremental_snapshots' must be"));
}

TEST_CASE("duplicates are reported", "[config]") {
  TempFiles files;
  const auto problems = ProblemsOf(files.SshBlock() +
                                   "clusters:\n"
                                   "  - name: lab\n"
                                   "    name: lab2\n"
                                   "    nodes:\n"
                                   "      - {name: pve1, address: 10.0.0.1}\n"
                                   "      - {name: pve1, address: 10.0.0.2}\n");
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] == "test.yml:6:5: duplicate key 'name' in cluster");
  CHECK(problems[1] == "test.yml:9:16: duplicate node 'pve1' in cluster 'lab'");
}

TEST_CASE("missing key and known_hosts files are reported", "[config]") {
  const auto problems = ProblemsOf(
      "ssh:\n  key_file: /nonexistent/key\n"
      "  known_hosts_file: /nonexistent/known_hosts\n"
      "clusters:\n  - name: lab\n    nodes:\n"
      "      - {name: pve1, address: 10.0.0.1}\n");
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] ==
        "test.yml:2:13: 'key_file' file '/nonexistent/key' does not exist or "
        "is not readable");
  CHECK(problems[1].rfind("test.yml:3:21: 'known_hosts_file'", 0) == 0);
  CHECK(problems[2].rfind("test.yml:7:9: known_hosts_file", 0) == 0);
}

TEST_CASE("hostile node names and addresses are refused", "[config]") {
  TempFiles files;
  const auto problems = ProblemsOf(files.SshBlock() +
                                   "clusters:\n  - name: lab\n    nodes:\n"
                                   "      - {name: \"pve1;reboot\", address: "
                                   "\"10.0.0.1 -oProxyCommand=x\"}\n");
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("is not a valid PVE node name") != std::string::npos);
  CHECK(problems[1].find("is not a valid IP address or host") !=
        std::string::npos);
}

TEST_CASE("YAML syntax errors carry their position", "[config]") {
  const auto problems = ProblemsOf("clusters: [\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].rfind("test.yml:2:1: YAML syntax error", 0) == 0);
}

TEST_CASE("a NUL byte and deep nesting are named, not a YAML syntax error",
          "[config]") {
  const auto nul = ProblemsOf(std::string("clusters:\n  - name: a\0b\n", 23));
  REQUIRE(nul.size() == 1);
  CHECK(nul[0] ==
        "test.yml:2:12: control character 0x00 (NUL); a config file is text");
  const auto deep = ProblemsOf("clusters: " + std::string(20000, '[') +
                               std::string(20000, ']') + "\n");
  REQUIRE(deep.size() == 1);
  CHECK(deep[0].rfind("test.yml:1:74: nesting deeper than 64 levels", 0) == 0);
}

TEST_CASE("unknown collectors are refused", "[config]") {
  TempFiles files;
  const auto problems = ProblemsOf(
      files.SshBlock() + "collectors:\n  telepathy: {enabled: true}\n" +
      "clusters:\n  - name: lab\n    nodes: [{name: a, address: 10.0.0.1}]\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "test.yml:5:3: unknown collector 'telepathy'");
}

TEST_CASE("durations and sizes parse like Prometheus flags", "[config]") {
  CHECK(ParseDuration("1h30m") == std::chrono::minutes(90));
  CHECK(ParseDuration("500ms") == std::chrono::milliseconds(500));
  CHECK(ParseDuration("2m500ms") == std::chrono::milliseconds(120500));
  CHECK_FALSE(ParseDuration("5"));
  CHECK_FALSE(ParseDuration("-5s"));
  CHECK_FALSE(ParseDuration("s"));
  CHECK(ParseByteSize("64MiB") == 64ull << 20);
  CHECK(ParseByteSize("4096") == 4096u);
  CHECK_FALSE(ParseByteSize("64 MB"));
}

}  // namespace
}  // namespace replwatch

#include "config/pve_discovery.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "config/config_loader.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

// A fake pmxcfs: .members as PVE writes it, priv/known_hosts, a root key.
struct FakePve {
  std::string dir;
  FakePve() {
    char pattern[] = "/tmp/replwatch-pve-XXXXXX";
    dir = mkdtemp(pattern);
    std::system(("mkdir -p " + dir + "/priv").c_str());
    std::ofstream(dir + "/priv/known_hosts") << "pve1 ssh-ed25519 AAAA\n";
    std::ofstream(dir + "/id_rsa") << "key\n";
  }
  ~FakePve() { std::system(("rm -rf " + dir).c_str()); }
  void Members(const std::string& text) const {
    std::ofstream(dir + "/.members") << text;
  }
  PveDiscoverySettings Settings() const { return {dir, dir + "/id_rsa"}; }
  PveDiscoveryFiles Files() const {
    return ChooseDiscoveryFiles(Settings(), "");
  }
};

const char* kMembers = R"({
"nodename": "pve1",
"version": 7,
"cluster": { "name": "prod", "version": 3, "nodes": 3, "quorate": 1 },
"nodelist": {
  "pve1": { "id": 1, "online": 1, "ip": "10.0.0.11"},
  "pve2": { "id": 2, "online": 1, "ip": "10.0.0.12"},
  "pve3": { "id": 3, "online": 0, "ip": "10.0.0.13"}
  }
}
)";

TEST_CASE("a PVE cluster is discovered from pmxcfs", "[discovery]") {
  FakePve pve;
  pve.Members(kMembers);
  const auto config = DiscoverPveCluster(pve.Files(), {"node"});
  REQUIRE(config);
  REQUIRE(config->nodes.size() == 3);
  CHECK(config->nodes[0].cluster == "prod");
  CHECK(config->nodes[1].name == "pve2");
  CHECK(config->nodes[1].address == "10.0.0.12");
  CHECK(config->nodes[1].host_key_alias == "pve2");
  CHECK(config->nodes[2].ssh.known_hosts_file == pve.dir + "/priv/known_hosts");
  CHECK(config->nodes[2].ssh.key_file == pve.dir + "/id_rsa");
  CHECK(config->collectors.count("node") == 1);
}

TEST_CASE("not a PVE node: nothing to discover", "[discovery]") {
  FakePve pve;
  CHECK_FALSE(DiscoverPveCluster(pve.Files(), {}));
}

TEST_CASE("a broken or hostile .members is an error, not a guess",
          "[discovery]") {
  FakePve pve;
  pve.Members("{\"nodename\": \"pve1\", \"version\": 1}");  // standalone
  CHECK_THROWS_AS(DiscoverPveCluster(pve.Files(), {}), ConfigError);
  pve.Members("{garbage");
  CHECK_THROWS_AS(DiscoverPveCluster(pve.Files(), {}), ConfigError);
  pve.Members(R"({"cluster": {"name": "c"}, "nodelist": {
      "pve1;reboot": {"ip": "10.0.0.1"}}})");
  CHECK_THROWS_WITH(DiscoverPveCluster(pve.Files(), {}),
                    Catch::Matchers::ContainsSubstring("no usable name or ip"));
  pve.Members(R"({"cluster": {"name": "c"}, "nodelist": {
      "pve1": {"ip": "-oProxyCommand=x"}}})");
  CHECK_THROWS_AS(DiscoverPveCluster(pve.Files(), {}), ConfigError);
}

TEST_CASE("discovery without the root key says so", "[discovery]") {
  FakePve pve;
  pve.Members(kMembers);
  PveDiscoveryFiles files = pve.Files();
  files.key = pve.dir + "/missing";
  CHECK_THROWS_WITH(
      DiscoverPveCluster(files, {}),
      Catch::Matchers::ContainsSubstring("cannot read") &&
          Catch::Matchers::ContainsSubstring("pve-discovery.conf"));
}

// What systemd's LoadCredential= leaves in $CREDENTIALS_DIRECTORY: copies of
// the three files under the drop-in's credential names.
std::string Credentials(const FakePve& pve) {
  const std::string dir = pve.dir + "/credentials";
  std::system(("mkdir " + dir + " && cp " + pve.dir + "/.members " + dir +
               "/pve-members && cp " + pve.dir + "/priv/known_hosts " + dir +
               "/pve-known-hosts && cp " + pve.dir + "/id_rsa " + dir +
               "/pve-ssh-key")
                  .c_str());
  return dir;
}

TEST_CASE("discovery reads systemd credentials when there are some",
          "[discovery]") {
  FakePve pve;
  pve.Members(kMembers);
  const PveDiscoveryFiles own = ChooseDiscoveryFiles(pve.Settings(), "");
  CHECK(own.members == pve.dir + "/.members");
  CHECK(own.known_hosts == pve.dir + "/priv/known_hosts");
  CHECK(own.key == pve.dir + "/id_rsa");
  // Another unit's credentials (no pve-members) are not ours.
  CHECK(ChooseDiscoveryFiles(pve.Settings(), pve.dir + "/priv").members ==
        own.members);
  const std::string credentials = Credentials(pve);
  const PveDiscoveryFiles passed =
      ChooseDiscoveryFiles(pve.Settings(), credentials);
  CHECK(passed.members == credentials + "/pve-members");
  CHECK(passed.known_hosts == credentials + "/pve-known-hosts");
  CHECK(passed.key == credentials + "/pve-ssh-key");
  const auto config = DiscoverPveCluster(passed, {});
  REQUIRE(config);
  CHECK(config->nodes.size() == 3);
  CHECK(config->nodes[0].ssh.key_file == credentials + "/pve-ssh-key");
  CHECK(config->nodes[0].ssh.known_hosts_file ==
        credentials + "/pve-known-hosts");
}

// A config file that fails to load with an error naming it.
std::string BrokenConfigFile(const FakePve& pve) {
  const std::string path = pve.dir + "/replwatch.yml";
  std::ofstream(path) << "clusters: [\n";
  return path;
}

TEST_CASE("the --pve.discover flag ignores the config file, otherwise it wins",
          "[discovery]") {
  FakePve pve;
  pve.Members(kMembers);
  ConfigChoice choice;
  choice.config_file = BrokenConfigFile(pve);
  choice.pve = pve.Settings();
  CHECK_THROWS_WITH(LoadOrDiscoverConfig(choice, {}),
                    Catch::Matchers::StartsWith(choice.config_file));
  choice.config_file_given = true;
  CHECK_THROWS_WITH(LoadOrDiscoverConfig(choice, {}),
                    Catch::Matchers::StartsWith(choice.config_file));
  choice.discover = true;
  CHECK(LoadOrDiscoverConfig(choice, {}).source_file ==
        pve.dir + "/.members (discovered)");
  choice.credentials_dir = Credentials(pve);
  CHECK(LoadOrDiscoverConfig(choice, {}).source_file ==
        choice.credentials_dir + "/pve-members (discovered)");
}

TEST_CASE("without a config file the cluster is discovered", "[discovery]") {
  FakePve pve;
  pve.Members(kMembers);
  ConfigChoice choice;
  choice.config_file = pve.dir + "/none.yml";
  choice.pve = pve.Settings();
  CHECK(LoadOrDiscoverConfig(choice, {}).nodes.size() == 3);
  // Given on the command line, a missing file is an error, not discovery.
  choice.config_file_given = true;
  CHECK_THROWS_WITH(LoadOrDiscoverConfig(choice, {}),
                    Catch::Matchers::StartsWith(choice.config_file));
}

TEST_CASE("the --pve.discover flag off a PVE node says so", "[discovery]") {
  FakePve pve;
  ConfigChoice choice;
  choice.config_file = pve.dir + "/none.yml";
  choice.pve = pve.Settings();
  CHECK_THROWS_WITH(
      LoadOrDiscoverConfig(choice, {}),
      Catch::Matchers::ContainsSubstring("no PVE cluster to discover"));
  choice.discover = true;
  CHECK_THROWS_WITH(
      LoadOrDiscoverConfig(choice, {}),
      Catch::Matchers::ContainsSubstring("this is no PVE cluster node"));
}

}  // namespace
}  // namespace replwatch

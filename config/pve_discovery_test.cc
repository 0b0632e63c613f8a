#include "config/pve_discovery.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "config/config_loader.h"

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
  const auto config = DiscoverPveCluster(pve.Settings(), {"node"});
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
  CHECK_FALSE(DiscoverPveCluster(pve.Settings(), {}));
}

TEST_CASE("a broken or hostile .members is an error, not a guess",
          "[discovery]") {
  FakePve pve;
  pve.Members("{\"nodename\": \"pve1\", \"version\": 1}");  // standalone
  CHECK_THROWS_AS(DiscoverPveCluster(pve.Settings(), {}), ConfigError);
  pve.Members("{garbage");
  CHECK_THROWS_AS(DiscoverPveCluster(pve.Settings(), {}), ConfigError);
  pve.Members(R"({"cluster": {"name": "c"}, "nodelist": {
      "pve1;reboot": {"ip": "10.0.0.1"}}})");
  CHECK_THROWS_WITH(DiscoverPveCluster(pve.Settings(), {}),
                    Catch::Contains("no usable name or ip"));
  pve.Members(R"({"cluster": {"name": "c"}, "nodelist": {
      "pve1": {"ip": "-oProxyCommand=x"}}})");
  CHECK_THROWS_AS(DiscoverPveCluster(pve.Settings(), {}), ConfigError);
}

TEST_CASE("discovery without the root key says so", "[discovery]") {
  FakePve pve;
  pve.Members(kMembers);
  PveDiscoverySettings settings = pve.Settings();
  settings.key_file = pve.dir + "/missing";
  CHECK_THROWS_WITH(DiscoverPveCluster(settings, {}),
                    Catch::Contains("cannot read"));
}

}  // namespace
}  // namespace replwatch

#include "config/shard_assignment.h"

#include <map>
#include <string>
#include <vector>

#include "testing/catch.h"

namespace replwatch {
namespace {

// A fixed fleet of cluster names, so every count below is deterministic.
std::vector<std::string> FleetOf(int clusters) {
  std::vector<std::string> names;
  for (int i = 0; i < clusters; ++i) {
    names.push_back("pve-cluster-" + std::to_string(i));
  }
  return names;
}

std::optional<ShardSpec> Parse(const std::string& text, std::string& error) {
  error.clear();
  return ParseShardSpec(text, error);
}

TEST_CASE("i/n is read 0-based and bad text is explained", "[shard]") {
  std::string error;
  CHECK(Parse("0/2", error) == ShardSpec{0, 2});
  CHECK(Parse("1/2", error) == ShardSpec{1, 2});
  CHECK(Parse("0/1", error) == ShardSpec{0, 1});
  CHECK(Parse("1023/1024", error) == ShardSpec{1023, 1024});
  CHECK(ToString(ShardSpec{2, 5}) == "2/5");

  CHECK_FALSE(Parse("3/2", error));
  CHECK(error ==
        "shard '3/2': shards are numbered from 0, so i must be 0 to 1");
  CHECK_FALSE(Parse("2/2", error));
  CHECK_FALSE(Parse("0/0", error));
  CHECK(error == "shard '0/0': the number of shards n must be 1 to 1024");
  CHECK_FALSE(Parse("0/1025", error));
  CHECK_FALSE(Parse("garbage", error));
  CHECK(error == "shard 'garbage' is not of the form i/n (e.g. 0/2)");
  for (const char* bad : {"", "/", "1/", "/2", "-1/2", "+1/2", " 0/2", "0/2 ",
                          "a/b", "0/2/3", "1.0/2", "0x1/2", "99999/2"}) {
    INFO(bad);
    CHECK_FALSE(Parse(bad, error));
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("the hash is FNV-1a 64 and SplitMix64, as published", "[shard]") {
  // Reference values from the FNV and SplitMix64 authors' test vectors.
  CHECK(Fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(Fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(Fnv1a64("foobar") == 0x85944171f73967e8ull);
  CHECK(Mix64(0) == 0xe220a8397b1dcdafull);
}

TEST_CASE("every cluster belongs to exactly one shard", "[shard]") {
  const auto fleet = FleetOf(2000);
  for (unsigned count = 1; count <= 9; ++count) {
    std::map<unsigned, int> sizes;
    for (const auto& name : fleet) {
      const unsigned shard = ShardOf(name, count);
      REQUIRE(shard < count);
      ++sizes[shard];
    }
    INFO(count << " shards");
    CHECK(sizes.size() == count);  // no shard left empty
    for (const auto& [shard, size] : sizes) {
      // Within 20% of the mean for this fixed fleet.
      CHECK(size * count * 10 >= fleet.size() * 8);
      CHECK(size * count * 10 <= fleet.size() * 12);
    }
  }
}

TEST_CASE("adding a shard moves clusters only to it, and about 1/(n+1)",
          "[shard]") {
  const auto fleet = FleetOf(2000);
  for (unsigned count = 1; count <= 8; ++count) {
    std::size_t moved = 0;
    for (const auto& name : fleet) {
      const unsigned before = ShardOf(name, count);
      const unsigned after = ShardOf(name, count + 1);
      if (before == after) continue;
      INFO(name << " moved from " << before << " to " << after);
      CHECK(after == count);  // never between old shards
      ++moved;
    }
    // A balanced split into count+1 shards must give the new shard at least
    // this many clusters, all of which move: the fewest moves possible.
    const std::size_t minimum = fleet.size() / (count + 1);
    INFO(count << " -> " << count + 1 << " shards moved " << moved
               << ", minimum " << minimum);
    CHECK(moved * 10 >= minimum * 8);
    CHECK(moved * 10 <= minimum * 12);
  }
}

TEST_CASE("the assignment is a fixed function of the name", "[shard]") {
  // Regression values, computed independently by the lab test's Python
  // implementation of the documented hash.
  CHECK(ShardOf("lab", 2) == 1);
  CHECK(ShardOf("lab", 4) == 3);
  CHECK(ShardOf("pve-cluster-0", 3) == 2);
  CHECK(ShardOf("pve-cluster-1", 4) == 0);
}

NodeConfig NodeIn(const std::string& cluster, const std::string& name) {
  NodeConfig node;
  node.cluster = cluster;
  node.name = name;
  return node;
}

TEST_CASE("a shard takes whole clusters, and the shards cover every node",
          "[shard]") {
  std::vector<NodeConfig> nodes;
  for (const auto& cluster : FleetOf(40)) {
    for (const char* name : {"pve1", "pve2", "pve3"}) {
      nodes.push_back(NodeIn(cluster, name));
    }
  }
  const unsigned count = 3;
  std::map<std::string, unsigned> owner_of_cluster;
  std::size_t covered = 0;
  for (unsigned index = 0; index < count; ++index) {
    const auto owned = NodesOfShard(nodes, ShardSpec{index, count});
    covered += owned.size();
    for (const auto& node : owned) {
      const auto [it, first] = owner_of_cluster.emplace(node.cluster, index);
      CHECK(it->second == index);  // no cluster split between shards
    }
    CHECK(ClusterNames(owned).size() * 3 == owned.size());
  }
  CHECK(covered == nodes.size());
  CHECK(owner_of_cluster.size() == 40);
  CHECK(ClusterNames(nodes) == FleetOf(40));
}

}  // namespace
}  // namespace replwatch

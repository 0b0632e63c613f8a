#include "config/shard_assignment.h"

#include <algorithm>
#include <charconv>

namespace replwatch {
namespace {

// A decimal number of at most 4 digits, nothing else (no sign, no spaces).
std::optional<unsigned> SmallDecimal(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  unsigned value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<ShardSpec> ParseShardSpec(std::string_view text,
                                        std::string& error) {
  const std::string quoted = "shard '" + std::string(text) + "'";
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    error = quoted + " is not of the form i/n (e.g. 0/2)";
    return std::nullopt;
  }
  const auto index = SmallDecimal(text.substr(0, slash));
  const auto count = SmallDecimal(text.substr(slash + 1));
  if (!index || !count) {
    error = quoted + " is not of the form i/n with decimal i and n (e.g. 0/2)";
    return std::nullopt;
  }
  if (*count < 1 || *count > kMaxShards) {
    error = quoted + ": the number of shards n must be 1 to " +
            std::to_string(kMaxShards);
    return std::nullopt;
  }
  if (*index >= *count) {
    error = quoted + ": shards are numbered from 0, so i must be 0 to " +
            std::to_string(*count - 1);
    return std::nullopt;
  }
  return ShardSpec{*index, *count};
}

std::string ToString(const ShardSpec& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

std::uint64_t Fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::uint64_t Mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

unsigned ShardOf(std::string_view unit, unsigned count) {
  // FNV-1a alone mixes its last bytes poorly, so the weights of one unit
  // for different shards would be correlated; the finalizer decorrelates.
  const std::uint64_t key = Fnv1a64(unit);
  unsigned best = 0;
  std::uint64_t best_weight = 0;
  for (unsigned shard = 0; shard < count; ++shard) {
    const std::uint64_t weight = Mix64(key ^ Mix64(shard));
    if (shard == 0 || weight > best_weight) {
      best = shard;
      best_weight = weight;
    }
  }
  return best;
}

std::vector<NodeConfig> NodesOfShard(const std::vector<NodeConfig>& nodes,
                                     const ShardSpec& shard) {
  std::vector<NodeConfig> owned;
  for (const auto& node : nodes) {
    if (ShardOf(node.cluster, shard.count) == shard.index) {
      owned.push_back(node);
    }
  }
  return owned;
}

std::vector<std::string> ClusterNames(const std::vector<NodeConfig>& nodes) {
  std::vector<std::string> names;
  for (const auto& node : nodes) {
    if (std::find(names.begin(), names.end(), node.cluster) == names.end()) {
      names.push_back(node.cluster);
    }
  }
  return names;
}

}  // namespace replwatch

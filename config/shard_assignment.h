#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace replwatch {

/// The most shards one fleet may be split into.
constexpr unsigned kMaxShards = 1024;

/// Parses "i/n" (0 <= i < n <= kMaxShards, decimal). On bad text returns
/// nullopt and sets `error` to a sentence saying what is wrong.
std::optional<ShardSpec> ParseShardSpec(std::string_view text,
                                        std::string& error);

/// "i/n", as ParseShardSpec reads it.
std::string ToString(const ShardSpec& shard);

/// Rendezvous (highest random weight) hashing: the shard of `count` whose
/// weight for `unit` is highest, ties going to the lower index. The weight
/// of shard s is Mix64(Fnv1a64(unit) ^ Mix64(s)), with FNV-1a 64 over the
/// name's bytes and Mix64 the SplitMix64 finalizer; both are fixed, so every
/// build and platform assigns the same way. Adding shard n moves only the
/// units whose new weight beats all old ones, about 1/(n+1) of them, and all
/// of them to the new shard.
unsigned ShardOf(std::string_view unit, unsigned count);

/// The FNV-1a 64-bit hash of `bytes`.
std::uint64_t Fnv1a64(std::string_view bytes);
/// The SplitMix64 output function (a bijective 64-bit mixer).
std::uint64_t Mix64(std::uint64_t x);

/// The nodes of the clusters `shard` owns, in config order.
std::vector<NodeConfig> NodesOfShard(const std::vector<NodeConfig>& nodes,
                                     const ShardSpec& shard);

/// The distinct cluster names of `nodes`, in order of first appearance.
std::vector<std::string> ClusterNames(const std::vector<NodeConfig>& nodes);

}  // namespace replwatch

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One pool from `zpool list`. Values zpool prints as `-` (e.g. for a
/// FAULTED pool) are nullopt.
struct PoolListEntry {
  std::string name;
  std::optional<std::uint64_t> size_bytes;
  std::optional<std::uint64_t> allocated_bytes;
  std::optional<std::uint64_t> free_bytes;
  std::optional<double> capacity_ratio;       // CAP / 100
  std::optional<double> fragmentation_ratio;  // FRAG / 100
  std::string health;
  bool approximate = false;  // sizes came from human-readable 1024-based text
};

struct ZpoolList {
  std::vector<PoolListEntry> pools;
  text::ParseWarnings warnings;
};

/// `zpool list -Hp -o name,size,alloc,free,cap,frag,health`. A line without
/// exactly 7 TAB-separated fields throws text::ParseError; an unreadable value
/// becomes nullopt with a warning (old ZoL `%` suffixes are tolerated).
ZpoolList ParseZpoolList(std::string_view text);

/// Human `zpool list [-v]` with its header line; columns are found by
/// header name, vdev rows (indented) are skipped.
ZpoolList ParseZpoolListHuman(std::string_view text);

/// `zpool list -j [--json-int]` (OpenZFS 2.3+).
ZpoolList ParseZpoolListJson(std::string_view json);

}  // namespace replwatch::parsers

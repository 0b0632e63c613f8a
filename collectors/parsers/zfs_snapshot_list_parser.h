#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replwatch::parsers {

/// One line of `zfs list -Hp -t snapshot -o name,guid,createtxg[,creation]`.
struct SnapshotEntry {
  std::string name;    // full "<dataset>@<snapshot>"
  std::size_t at = 0;  // offset of '@' in name
  std::uint64_t guid = 0;
  std::uint64_t createtxg = 0;
  std::optional<std::int64_t> creation;  // epoch seconds, 4-column form only

  std::string_view dataset() const {
    return std::string_view(name).substr(0, at);
  }
  std::string_view snapshot() const {
    return std::string_view(name).substr(at + 1);
  }
};

/// Parses the snapshot listing. Every line must have the same number of TAB
/// separated columns (3 or 4). Any malformed line throws ParseError with its
/// line number: a partial inventory would make chain checks lie.
std::vector<SnapshotEntry> ParseZfsSnapshotList(std::string_view text);

/// Matches PVE's `__replicate_<vmid>-<jobnum>_<epoch>__` snapshot names.
struct ReplicationSnapshotName {
  std::string_view job_id;  // "<vmid>-<jobnum>"
  std::int64_t timestamp = 0;
};
std::optional<ReplicationSnapshotName> ParseReplicationSnapshotName(
    std::string_view snapshot);

}  // namespace replwatch::parsers

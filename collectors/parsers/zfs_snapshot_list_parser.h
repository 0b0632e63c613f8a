#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "collectors/parsers/text_scan.h"

namespace replwatch::parsers {

/// One line of `zfs list -Hp -t snapshot -o name,guid,createtxg[,creation]`,
/// as views into the listing it was read from.
struct SnapshotLine {
  std::string_view dataset;   // before the '@'
  std::string_view snapshot;  // after the '@'
  std::uint64_t guid = 0;
  std::uint64_t createtxg = 0;
  std::optional<std::int64_t> creation;  // epoch seconds, 4-column form only
};

/// Reads the snapshot listing a line at a time without copying it: a node
/// can list a million snapshots. Every line must have the same number of TAB
/// separated columns: 3 or 4, or exactly `required_columns` if not 0. Any
/// malformed line throws ParseError with its line number: a partial
/// inventory would make chain checks lie.
class ZfsSnapshotListReader {
 public:
  explicit ZfsSnapshotListReader(std::string_view text,
                                 std::size_t required_columns = 0);

  /// The next snapshot, false at the end. Blank lines are skipped.
  bool Next(SnapshotLine* line);

 private:
  LineReader lines_;
  std::size_t columns_;
};

/// Matches PVE's `__replicate_<vmid>-<jobnum>_<epoch>__` snapshot names.
struct ReplicationSnapshotName {
  std::string_view job_id;  // "<vmid>-<jobnum>"
  std::int64_t timestamp = 0;
};
std::optional<ReplicationSnapshotName> ParseReplicationSnapshotName(
    std::string_view snapshot);

}  // namespace replwatch::parsers

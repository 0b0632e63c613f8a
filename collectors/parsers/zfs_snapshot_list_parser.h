#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "text/text_scan.h"

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

/// Parses one non-empty line of the listing, without its "\n" or "\r\n".
/// `*columns` is the number of columns every line must have, or 0 to take
/// it from this line (3 or 4). Throws text::ParseError with `line_number` on
/// anything malformed.
void ParseSnapshotLine(std::string_view line, std::size_t line_number,
                       std::size_t* columns, SnapshotLine* out);

/// Reads the snapshot listing a line at a time without copying it: a node
/// can list a million snapshots. Every line must have the same number of TAB
/// separated columns: 3 or 4, or exactly `required_columns` if not 0. Any
/// malformed line throws text::ParseError with its line number: a partial
/// inventory would make chain checks lie. Lines are accepted exactly as
/// ParseSnapshotLine accepts them; the reader only reads the usual line
/// faster.
class ZfsSnapshotListReader {
 public:
  explicit ZfsSnapshotListReader(std::string_view text,
                                 std::size_t required_columns = 0);

  /// The next snapshot, false at the end. Blank lines are skipped. Lines of
  /// one dataset in a row usually get the same `dataset` view, so a caller
  /// can compare pointers before bytes.
  bool Next(SnapshotLine* line);

 private:
  // One pass over a line of the usual form: a name whose '@' is found fast,
  // plain digits, '\n' at the end. False, with nothing consumed, for any
  // other line: ParseSnapshotLine then accepts it or says what is wrong.
  bool ReadUsualLine(SnapshotLine* line);
  std::string_view TakeLine();

  std::string_view rest_;
  std::size_t line_number_ = 0;
  std::size_t columns_;
  std::string_view dataset_;  // of the last line read
};

/// Matches PVE's `__replicate_<vmid>-<jobnum>_<epoch>__` snapshot names.
struct ReplicationSnapshotName {
  std::string_view job_id;  // "<vmid>-<jobnum>"
  std::int64_t timestamp = 0;
};
std::optional<ReplicationSnapshotName> ParseReplicationSnapshotName(
    std::string_view snapshot);

}  // namespace replwatch::parsers

#include "collectors/parsers/zfs_snapshot_list_parser.h"

#include "collectors/parsers/parse_error.h"
#include "collectors/parsers/text_scan.h"

namespace replwatch::parsers {
namespace {

// A snapshot name is "<dataset>@<snap>": exactly one '@', both sides
// non-empty, no blanks at the edges (names may contain inner spaces).
std::size_t CheckedSnapshotAt(std::string_view name, std::size_t line) {
  const std::size_t at = name.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == name.size() ||
      name.find('@', at + 1) != std::string_view::npos) {
    throw ParseError("not a snapshot name: '" + Printable(name) + "'", line);
  }
  if (TrimSpace(name).size() != name.size()) {
    throw ParseError("blank around snapshot name", line);
  }
  return at;
}

}  // namespace

ZfsSnapshotListReader::ZfsSnapshotListReader(std::string_view text,
                                             std::size_t required_columns)
    : lines_(text), columns_(required_columns) {
  RejectNulBytes(text, "zfs list");
}

bool ZfsSnapshotListReader::Next(SnapshotLine* out) {
  std::string_view line;
  do {
    if (!lines_.Next(&line)) return false;
  } while (line.empty());
  const std::size_t n = lines_.line_number();
  std::string_view fields[4];
  std::size_t count = 0;
  std::string_view rest = line;
  while (count < 4 && !rest.empty()) fields[count++] = SplitAt(&rest, '\t');
  if (line.back() == '\t' || !rest.empty()) {
    throw ParseError("unexpected extra column", n);
  }
  if (count != 3 && count != 4) {
    throw ParseError(
        "expected 3 or 4 TAB-separated columns, got " + std::to_string(count),
        n);
  }
  if (columns_ == 0) columns_ = count;
  if (count != columns_) {
    throw ParseError("expected " + std::to_string(columns_) +
                         " TAB-separated columns, got " + std::to_string(count),
                     n);
  }
  const std::size_t at = CheckedSnapshotAt(fields[0], n);
  const auto guid = ParseUint64(fields[1]);
  if (!guid) throw ParseError("bad guid '" + Printable(fields[1]) + "'", n);
  const auto txg = ParseUint64(fields[2]);
  if (!txg) throw ParseError("bad createtxg '" + Printable(fields[2]) + "'", n);
  out->creation.reset();
  if (count == 4 && fields[3] != "-") {
    out->creation = ParseInt64(fields[3]);
    if (!out->creation) {
      throw ParseError("bad creation '" + Printable(fields[3]) + "'", n);
    }
  }
  out->dataset = fields[0].substr(0, at);
  out->snapshot = fields[0].substr(at + 1);
  out->guid = *guid;
  out->createtxg = *txg;
  return true;
}

std::optional<ReplicationSnapshotName> ParseReplicationSnapshotName(
    std::string_view snapshot) {
  static constexpr std::string_view kPrefix = "__replicate_";
  static constexpr std::string_view kSuffix = "__";
  if (snapshot.size() < kPrefix.size() + kSuffix.size() + 5 ||
      !StartsWith(snapshot, kPrefix) ||
      snapshot.substr(snapshot.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  std::string_view body = snapshot.substr(
      kPrefix.size(), snapshot.size() - kPrefix.size() - kSuffix.size());
  const std::size_t underscore = body.rfind('_');
  if (underscore == std::string_view::npos) return std::nullopt;
  const std::string_view job = body.substr(0, underscore);
  const std::size_t dash = job.find('-');
  if (dash == std::string_view::npos || !ParseUint64(job.substr(0, dash)) ||
      !ParseUint64(job.substr(dash + 1))) {
    return std::nullopt;
  }
  const auto epoch = ParseInt64(body.substr(underscore + 1));
  if (!epoch || *epoch < 0) return std::nullopt;
  return ReplicationSnapshotName{job, *epoch};
}

}  // namespace replwatch::parsers

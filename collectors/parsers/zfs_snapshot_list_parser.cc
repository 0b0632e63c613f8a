#include "collectors/parsers/zfs_snapshot_list_parser.h"

#include <cstring>

#include "text/decimal_digits.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

// A snapshot name is "<dataset>@<snap>": exactly one '@', both sides
// non-empty, no blanks at the edges (names may contain inner spaces).
std::size_t CheckedSnapshotAt(std::string_view name, std::size_t line) {
  const std::size_t at = name.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == name.size() ||
      name.find('@', at + 1) != std::string_view::npos) {
    throw text::ParseError(
        "not a snapshot name: '" + text::Printable(name) + "'", line);
  }
  if (text::TrimSpace(name).size() != name.size()) {
    throw text::ParseError("blank around snapshot name", line);
  }
  return at;
}

}  // namespace

void ParseSnapshotLine(std::string_view line, std::size_t n,
                       std::size_t* columns, SnapshotLine* out) {
  std::string_view fields[4];
  std::size_t count = 0;
  std::string_view rest = line;
  while (count < 4 && !rest.empty())
    fields[count++] = text::SplitAt(&rest, '\t');
  if ((!line.empty() && line.back() == '\t') || !rest.empty()) {
    throw text::ParseError("unexpected extra column", n);
  }
  if (count != 3 && count != 4) {
    throw text::ParseError(
        "expected 3 or 4 TAB-separated columns, got " + std::to_string(count),
        n);
  }
  if (*columns == 0) *columns = count;
  if (count != *columns) {
    throw text::ParseError("expected " + std::to_string(*columns) +
                               " TAB-separated columns, got " +
                               std::to_string(count),
                           n);
  }
  const std::size_t at = CheckedSnapshotAt(fields[0], n);
  const auto guid = text::ParseUint64(fields[1]);
  if (!guid)
    throw text::ParseError("bad guid '" + text::Printable(fields[1]) + "'", n);
  const auto txg = text::ParseUint64(fields[2]);
  if (!txg)
    throw text::ParseError("bad createtxg '" + text::Printable(fields[2]) + "'",
                           n);
  out->creation.reset();
  if (count == 4 && fields[3] != "-") {
    out->creation = text::ParseInt64(fields[3]);
    if (!out->creation) {
      throw text::ParseError(
          "bad creation '" + text::Printable(fields[3]) + "'", n);
    }
  }
  out->dataset = fields[0].substr(0, at);
  out->snapshot = fields[0].substr(at + 1);
  out->guid = *guid;
  out->createtxg = *txg;
}

ZfsSnapshotListReader::ZfsSnapshotListReader(std::string_view text,
                                             std::size_t required_columns)
    : rest_(text), columns_(required_columns) {
  text::RejectNulBytes(text, "zfs list");
}

bool ZfsSnapshotListReader::Next(SnapshotLine* out) {
  while (!rest_.empty()) {
    ++line_number_;
    if (ReadUsualLine(out)) return true;
    const std::string_view line = TakeLine();
    if (line.empty()) continue;
    ParseSnapshotLine(line, line_number_, &columns_, out);
    dataset_ = out->dataset;
    return true;
  }
  return false;
}

bool ZfsSnapshotListReader::ReadUsualLine(SnapshotLine* out) {
  const char* const begin = rest_.data();
  const auto* const nl =
      static_cast<const char*>(std::memchr(begin, '\n', rest_.size()));
  if (nl == nullptr) return false;
  const auto* const tab =
      static_cast<const char*>(std::memchr(begin, '\t', nl - begin));
  if (tab == nullptr) return false;
  const std::string_view name(begin, tab - begin);
  // Listings group a dataset's snapshots: its '@' is usually where the last
  // line's was.
  std::size_t at = dataset_.size();
  const bool same_dataset = at > 0 && name.size() > at && name[at] == '@' &&
                            std::memcmp(begin, dataset_.data(), at) == 0;
  if (!same_dataset) {
    at = name.find('@');
    if (at == std::string_view::npos || at == 0) return false;
  }
  const std::string_view snapshot = name.substr(at + 1);
  if (snapshot.empty() || snapshot.find('@') != std::string_view::npos ||
      name.front() == ' ' || name.back() == ' ' || name.back() == '\r') {
    return false;
  }
  const char* p = tab + 1;
  std::uint64_t guid, txg, creation;
  if (!text::ConsumeDecimal(&p, nl, &guid) || *p++ != '\t' ||
      !text::ConsumeDecimal(&p, nl, &txg)) {
    return false;
  }
  std::size_t count = 3;
  if (p != nl) {
    if (*p++ != '\t' || !text::ConsumeDecimal(&p, nl, &creation) || p != nl ||
        creation > static_cast<std::uint64_t>(INT64_MAX)) {
      return false;
    }
    count = 4;
  }
  if (columns_ != 0 && count != columns_) return false;
  columns_ = count;
  if (!same_dataset) dataset_ = name.substr(0, at);
  out->dataset = dataset_;
  out->snapshot = snapshot;
  out->guid = guid;
  out->createtxg = txg;
  out->creation.reset();
  if (count == 4) out->creation = static_cast<std::int64_t>(creation);
  rest_.remove_prefix(nl + 1 - begin);
  return true;
}

std::string_view ZfsSnapshotListReader::TakeLine() {
  std::string_view line = text::SplitAt(&rest_, '\n');
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::optional<ReplicationSnapshotName> ParseReplicationSnapshotName(
    std::string_view snapshot) {
  static constexpr std::string_view kPrefix = "__replicate_";
  static constexpr std::string_view kSuffix = "__";
  // The first test rejects most other names without a call to memcmp: this
  // runs for every snapshot of every aligned volume.
  if (snapshot.size() < kPrefix.size() + kSuffix.size() + 5 ||
      snapshot[0] != '_' || !text::StartsWith(snapshot, kPrefix) ||
      snapshot.substr(snapshot.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  std::string_view body = snapshot.substr(
      kPrefix.size(), snapshot.size() - kPrefix.size() - kSuffix.size());
  const std::size_t underscore = body.rfind('_');
  if (underscore == std::string_view::npos) return std::nullopt;
  const std::string_view job = body.substr(0, underscore);
  const std::size_t dash = job.find('-');
  if (dash == std::string_view::npos ||
      !text::ParseUint64(job.substr(0, dash)) ||
      !text::ParseUint64(job.substr(dash + 1))) {
    return std::nullopt;
  }
  const auto epoch = text::ParseInt64(body.substr(underscore + 1));
  if (!epoch || *epoch < 0) return std::nullopt;
  return ReplicationSnapshotName{job, *epoch};
}

}  // namespace replwatch::parsers

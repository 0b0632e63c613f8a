#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/parsers/local_time.h"
#include "text/parse_error.h"

namespace replwatch::parsers {

/// One job row of `pvesr status` (the text fallback of the pvesh JSON).
/// Timestamps are the node's local time without a zone: they are kept as
/// printed plus broken down; convert with PvesrTimestampToEpoch().
struct PvesrStatusRow {
  std::string job_id;
  std::uint64_t guest = 0;
  std::uint64_t jobnum = 0;
  bool enabled = true;
  std::string target;          // node name, without the "local/" prefix
  std::string last_sync_text;  // "YYYY-MM-DD_HH:MM:SS" or "-" (never)
  std::optional<LocalDateTime> last_sync;
  std::string next_sync_text;  // timestamp, "pending" (due) or "-" (none)
  std::optional<LocalDateTime> next_sync;
  bool next_sync_pending = false;
  std::optional<double> duration_seconds;
  std::uint64_t fail_count = 0;
  std::string state;  // "OK", "SYNCING" or the error text (may be multi-line)
  bool syncing() const { return state == "SYNCING"; }
  std::size_t line = 0;
  std::string note;  // a value read but ignored, for a warning
};

struct PvesrStatus {
  std::vector<PvesrStatusRow> rows;
  text::ParseWarnings warnings;
};

/// Rows are split on blanks (columns overflow for long node names); a line
/// that does not start a row continues the previous row's State. A line that
/// starts like a row but has an unreadable field is skipped with a warning.
PvesrStatus ParsePvesrStatus(std::string_view text);

/// Epoch of a pvesr "YYYY-MM-DD_HH:MM:SS" on a node `utc_offset_seconds`
/// ahead of UTC; nullopt for "-", "pending" or anything malformed.
std::optional<std::int64_t> PvesrTimestampToEpoch(
    std::string_view text, std::int64_t utc_offset_seconds);

}  // namespace replwatch::parsers

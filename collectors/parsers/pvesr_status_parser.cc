#include "collectors/parsers/pvesr_status_parser.h"

#include "collectors/parsers/pvesh_replication_parser.h"
#include "text/text_scan.h"
#include "text/value_bounds.h"

namespace replwatch::parsers {
namespace {

// Fills `row` from the 8 columns; returns an error text or "" on success.
std::string ReadRow(std::string_view line, PvesrStatusRow* row) {
  std::string_view rest = line;
  row->job_id = std::string(text::NextField(&rest));
  const std::string_view enabled = text::NextField(&rest);
  const std::string_view target = text::NextField(&rest);
  const std::string_view last = text::NextField(&rest);
  const std::string_view next = text::NextField(&rest);
  const std::string_view duration = text::NextField(&rest);
  const std::string_view fails = text::NextField(&rest);
  const auto id = ParseReplicationJobId(row->job_id);
  row->guest = id->first;
  row->jobnum = id->second;
  row->enabled = enabled == "Yes";
  if (!text::StartsWith(target, "local/") || target.size() == 6)
    return "bad Target";
  row->target = std::string(target.substr(6));
  row->last_sync_text = std::string(last);
  if (last != "-") {
    row->last_sync = ParsePvesrTimestamp(last);
    if (!row->last_sync) return "bad LastSync";
  }
  row->next_sync_text = std::string(next);
  row->next_sync_pending = next == "pending";
  if (next != "-" && !row->next_sync_pending) {
    row->next_sync = ParsePvesrTimestamp(next);
    if (!row->next_sync) return "bad NextSync";
  }
  if (duration != "-") {
    row->duration_seconds = text::ParseDecimal(duration);
    if (!row->duration_seconds) return "bad Duration";
    // A number, but not a duration: the row stays, without one.
    if (!text::IsPlausibleDuration(*row->duration_seconds)) {
      row->duration_seconds.reset();
      row->note =
          "implausible Duration " + text::Printable(duration) + " ignored";
    }
  }
  const auto fail_count = text::ParseUint64(fails);
  if (!fail_count) return "bad FailCount";
  row->fail_count = *fail_count;
  // State is everything after the single space that follows FailCount.
  if (rest.empty() || rest[0] != ' ' || rest.size() == 1)
    return "missing State";
  row->state = std::string(rest.substr(1));
  return "";
}

bool StartsRow(std::string_view line) {
  std::string_view rest = line;
  const std::string_view id = text::NextField(&rest);
  const std::string_view enabled = text::NextField(&rest);
  return line[0] != ' ' && ParseReplicationJobId(id).has_value() &&
         (enabled == "Yes" || enabled == "No");
}

}  // namespace

PvesrStatus ParsePvesrStatus(std::string_view text) {
  text::RejectNulBytes(text, "pvesr status");
  PvesrStatus status;
  bool continuing = false;  // the previous line was a row we kept
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    if (text::StartsWith(line, "JobID ")) {
      continuing = false;
      continue;
    }
    if (StartsRow(line)) {
      PvesrStatusRow row;
      row.line = lines.line_number();
      const std::string error = ReadRow(line, &row);
      continuing = error.empty();
      if (continuing) {
        if (!row.note.empty()) {
          status.warnings.push_back({lines.line_number(), row.note});
        }
        status.rows.push_back(std::move(row));
      } else {
        status.warnings.push_back(
            {lines.line_number(), "job row skipped: " + error});
      }
    } else if (continuing) {
      status.rows.back().state.append("\n").append(line);
    } else {
      status.warnings.push_back({lines.line_number(), "unrecognized line"});
    }
  }
  return status;
}

std::optional<std::int64_t> PvesrTimestampToEpoch(
    std::string_view text, std::int64_t utc_offset_seconds) {
  const auto local = ParsePvesrTimestamp(text);
  if (!local) return std::nullopt;
  return LocalToEpoch(*local, utc_offset_seconds);
}

}  // namespace replwatch::parsers

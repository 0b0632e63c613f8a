#include "collectors/parsers/replication_log_parser.h"

#include <algorithm>
#include <optional>

#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

constexpr std::string_view kStart = "start replication job";
constexpr std::string_view kEndOk = "end replication job";
constexpr std::string_view kEndError = "end replication job with error: ";

bool IsDigits(std::string_view s, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// "YYYY-MM-DD HH:MM:SS" (strftime "%F %H:%M:%S").
bool IsLogTimestamp(std::string_view s) {
  return s.size() == 19 && IsDigits(s, 0, 4) && s[4] == '-' &&
         IsDigits(s, 5, 7) && s[7] == '-' && IsDigits(s, 8, 10) &&
         s[10] == ' ' && IsDigits(s, 11, 13) && s[13] == ':' &&
         IsDigits(s, 14, 16) && s[16] == ':' && IsDigits(s, 17, 19);
}

struct PrefixedLine {
  std::string_view time;
  std::string_view job_id;
  std::string_view message;
};

// Splits "<time> <jobid>: <message>"; nullopt for continuation lines.
std::optional<PrefixedLine> SplitPrefixed(std::string_view line) {
  std::size_t time_len = 0;
  if (line.size() > 19 && IsLogTimestamp(line.substr(0, 19))) {
    time_len = 19;
  } else {
    while (time_len < line.size() && line[time_len] >= '0' &&
           line[time_len] <= '9') {
      ++time_len;
    }
    if (time_len == 0) return std::nullopt;
  }
  if (time_len >= line.size() || line[time_len] != ' ') return std::nullopt;
  const std::string_view rest = line.substr(time_len + 1);
  std::size_t end = rest.find(": ");
  if (end == std::string_view::npos && !rest.empty() && rest.back() == ':') {
    end = rest.size() - 1;
  }
  if (end == std::string_view::npos || end == 0) return std::nullopt;
  const std::string_view job = rest.substr(0, end);
  if (job.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  return PrefixedLine{line.substr(0, time_len), job,
                      rest.substr(std::min(rest.size(), end + 2))};
}

}  // namespace

std::string_view ReplicationLogMessage(std::string_view line) {
  const std::optional<PrefixedLine> prefixed = SplitPrefixed(line);
  return prefixed ? prefixed->message : line;
}

ReplicationLog ParseReplicationLog(std::string_view text) {
  text::RejectNulBytes(text, "replication log");
  ReplicationLog log;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    const std::optional<PrefixedLine> prefixed = SplitPrefixed(line);
    if (!prefixed) {
      if (log.entries.empty()) {
        if (!text::TrimSpace(line).empty()) {
          log.warnings.push_back(
              {lines.line_number(), "line without log prefix"});
        }
      } else {
        log.entries.back().message.append("\n").append(line);
      }
      continue;
    }
    if (prefixed->message == kStart) log.entries.clear();
    log.entries.push_back(
        {std::string(prefixed->time), std::string(prefixed->job_id),
         std::string(prefixed->message), lines.line_number()});
  }
  for (const ReplicationLogEntry& entry : log.entries) {
    if (text::StartsWith(entry.message, kEndError)) {
      log.outcome = ReplicationRunOutcome::kError;
      log.error = entry.message.substr(kEndError.size());
    } else if (entry.message == kEndOk) {
      log.outcome = ReplicationRunOutcome::kOk;
      log.error.clear();
    }
  }
  return log;
}

}  // namespace replwatch::parsers

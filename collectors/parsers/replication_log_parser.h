#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One logical log entry: "<time> <jobid>: <message>", where the message
/// also holds any following prefix-less continuation lines (joined by '\n').
struct ReplicationLogEntry {
  std::string
      time;  // "YYYY-MM-DD HH:MM:SS" node-local, or an integer (PVE tests)
  std::string job_id;
  std::string message;
  std::size_t line = 0;
};

enum class ReplicationRunOutcome {
  kUnknown,  // no end line: still running, or the log was cut off
  kOk,
  kError,
};

/// The last run in a /var/log/pve/replicate/<jobid> log (PVE truncates the
/// file at every run; if several runs are present, the last one is kept).
struct ReplicationLog {
  std::vector<ReplicationLogEntry> entries;
  ReplicationRunOutcome outcome = ReplicationRunOutcome::kUnknown;
  std::string error;  // text after "end replication job with error: "
  text::ParseWarnings warnings;
};

/// The message part of one prefixed log line ("<time> <jobid>: <message>"),
/// or `line` itself when it has no log prefix.
std::string_view ReplicationLogMessage(std::string_view line);

/// Best-effort: lines before the first prefixed line are reported as
/// warnings. Throws text::ParseError only on NUL bytes.
ReplicationLog ParseReplicationLog(std::string_view text);

}  // namespace replwatch::parsers

#include "collectors/parsers/error_class.h"

#include <optional>

#include "collectors/parsers/replication_log_parser.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

constexpr std::size_t kMaxErrorLine = 120;

struct Pattern {
  ReplicationErrorClass error_class;
  std::string_view needle;
};

// Ordered by precedence: specific causes before their usual consequences
// (a failed receive also breaks the pipe; an SSH failure also ends the run
// with a generic exit code). Texts are verbatim from libzfs_sendrecv.c,
// libzfs_util.c, PVE's Replication.pm / ZFSPoolPlugin.pm and OpenSSH.
// ZFS wraps several messages over two lines; text is matched with newlines
// folded to spaces.
constexpr Pattern kPatterns[] = {
    {ReplicationErrorClass::kSnapshotChain,
     "does not match incremental source"},
    {ReplicationErrorClass::kSnapshotChain, "No common base snapshot"},
    {ReplicationErrorClass::kSnapshotChain, "No common base to restore"},
    {ReplicationErrorClass::kSnapshotChain,
     "not an earlier snapshot from the same fs"},
    {ReplicationErrorClass::kSnapshotChain,
     "base snapshot '"},  // ... doesn't exist
    {ReplicationErrorClass::kDestinationModified,
     "has been modified since most recent snapshot"},
    {ReplicationErrorClass::kPartialReceive, "partially-complete state"},
    {ReplicationErrorClass::kPartialReceive,
     "Partially received snapshot is saved"},
    {ReplicationErrorClass::kPartialReceive, "Resuming recv on existing"},
    {ReplicationErrorClass::kPartialReceive,
     "used in the initial send no longer exists"},
    {ReplicationErrorClass::kPartialReceive, "resume token"},
    {ReplicationErrorClass::kDestinationExists,
     "must specify -F to overwrite it"},
    {ReplicationErrorClass::kDestinationExists, "destination has snapshots"},
    {ReplicationErrorClass::kDestinationExists, "already exists"},
    {ReplicationErrorClass::kDestinationExists, "is a clone must destroy it"},
    {ReplicationErrorClass::kNoSpace, "out of space"},
    {ReplicationErrorClass::kNoSpace, "space quota exceeded"},
    {ReplicationErrorClass::kNoSpace, "No space left on device"},
    {ReplicationErrorClass::kEncryption, "key must be loaded"},
    {ReplicationErrorClass::kEncryption, "encryption key"},
    {ReplicationErrorClass::kEncryption, "raw receive"},
    {ReplicationErrorClass::kEncryption, "encrypted"},
    {ReplicationErrorClass::kEncryption, "crypto parameters"},
    {ReplicationErrorClass::kEncryption, "IV set guid"},
    {ReplicationErrorClass::kFeatureUnsupported, "unsupported feature"},
    {ReplicationErrorClass::kFeatureUnsupported, "must be upgraded"},
    {ReplicationErrorClass::kFeatureUnsupported,
     "unsupported version or feature"},
    {ReplicationErrorClass::kFeatureUnsupported, "deprecated feature"},
    {ReplicationErrorClass::kFeatureUnsupported, "requires -L"},
    {ReplicationErrorClass::kPoolUnhealthy, "Input/output error"},
    {ReplicationErrorClass::kPoolUnhealthy, "I/O error"},
    {ReplicationErrorClass::kPoolUnhealthy, "pool I/O is currently suspended"},
    {ReplicationErrorClass::kSsh, "Host key verification failed"},
    {ReplicationErrorClass::kSsh, "REMOTE HOST IDENTIFICATION HAS CHANGED"},
    {ReplicationErrorClass::kSsh, "Permission denied"},
    {ReplicationErrorClass::kSsh, "Connection refused"},
    {ReplicationErrorClass::kSsh, "Connection timed out"},
    {ReplicationErrorClass::kSsh, "No route to host"},
    {ReplicationErrorClass::kSsh, "Could not resolve hostname"},
    {ReplicationErrorClass::kSsh, "ssh: connect to host"},
    {ReplicationErrorClass::kLockTimeout, "can't lock file"},
    // Any other "got timeout" is PVE's 10 s limit on zfs snapshot/destroy/
    // list inside pvescheduler: the pool is too slow or suspended.
    {ReplicationErrorClass::kPoolUnhealthy, "got timeout"},
    {ReplicationErrorClass::kNetwork, "Broken pipe"},
    {ReplicationErrorClass::kNetwork, "Connection reset"},
    {ReplicationErrorClass::kNetwork, "Connection closed"},
    {ReplicationErrorClass::kNetwork, "checksum mismatch"},
    {ReplicationErrorClass::kNetwork, "incomplete stream"},
    {ReplicationErrorClass::kNetwork, "failed to read from stream"},
    {ReplicationErrorClass::kNetwork, "failed to connect to tunnel"},
    {ReplicationErrorClass::kNetwork, "timed out waiting for client"},
};

std::string FoldNewlines(std::string_view text) {
  std::string folded(text);
  for (char& c : folded) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return folded;
}

// Returns the best pattern found in `text` (kPatterns order) and its line.
std::optional<ClassifiedError> Match(std::string_view text) {
  const std::string folded = FoldNewlines(text);
  for (const Pattern& p : kPatterns) {
    const std::size_t at = folded.find(p.needle);
    if (at == std::string::npos) continue;
    const std::size_t begin = text.rfind('\n', at);
    const std::size_t from = begin == std::string_view::npos ? 0 : begin + 1;
    return ClassifiedError{p.error_class, ShortErrorLine(text.substr(from))};
  }
  return std::nullopt;
}

bool IsGenericCommandFailure(std::string_view error) {
  const std::string_view trimmed = text::TrimSpace(error);
  return trimmed.empty() || (text::StartsWith(trimmed, "command '") &&
                             text::Contains(trimmed, "' failed: exit code "));
}

// Messages of the log's last run, one per line; the raw text if the log
// cannot be parsed (e.g. it contains NUL bytes).
std::string LastRunMessages(std::string_view log) {
  try {
    std::string messages;
    for (const ReplicationLogEntry& e : ParseReplicationLog(log).entries) {
      messages.append(e.message).push_back('\n');
    }
    return messages;
  } catch (const text::ParseError&) {
    return std::string(log);
  }
}

}  // namespace

std::string_view ErrorClassName(ReplicationErrorClass error_class) {
  switch (error_class) {
    case ReplicationErrorClass::kSnapshotChain:
      return "snapshot_chain";
    case ReplicationErrorClass::kDestinationExists:
      return "destination_exists";
    case ReplicationErrorClass::kDestinationModified:
      return "destination_modified";
    case ReplicationErrorClass::kNoSpace:
      return "no_space";
    case ReplicationErrorClass::kSsh:
      return "ssh";
    case ReplicationErrorClass::kNetwork:
      return "network";
    case ReplicationErrorClass::kPoolUnhealthy:
      return "pool_unhealthy";
    case ReplicationErrorClass::kFeatureUnsupported:
      return "feature_unsupported";
    case ReplicationErrorClass::kEncryption:
      return "encryption";
    case ReplicationErrorClass::kPartialReceive:
      return "partial_receive";
    case ReplicationErrorClass::kLockTimeout:
      return "lock_timeout";
    case ReplicationErrorClass::kUnknown:
      break;
  }
  return "unknown";
}

std::string ShortErrorLine(std::string_view text) {
  std::string_view line;
  while (!text.empty()) {
    line = text::TrimSpace(text::SplitAt(&text, '\n'));
    if (!line.empty()) break;
  }
  std::string message(ReplicationLogMessage(line));
  // "command '<long pipeline>' failed: ..." -> keep the head and the outcome.
  const std::size_t failed = message.rfind("' failed: ");
  if (text::StartsWith(message, "command '") && failed != std::string::npos &&
      message.size() > kMaxErrorLine) {
    message =
        message.substr(0, 48) + "...' failed: " + message.substr(failed + 10);
  }
  std::string out = text::Printable(message, kMaxErrorLine);
  if (message.size() > kMaxErrorLine) out.replace(kMaxErrorLine - 3, 3, "...");
  return out;
}

ClassifiedError ClassifyReplicationError(std::string_view state_error,
                                         std::string_view log) {
  // A generic failure's text is only the command line, which must not be
  // matched (it contains words like "encryption" or "BatchMode").
  if (!IsGenericCommandFailure(state_error)) {
    if (auto from_state = Match(state_error)) return *from_state;
  } else if (auto from_log = Match(LastRunMessages(log))) {
    return *from_log;
  }
  return ClassifiedError{ReplicationErrorClass::kUnknown,
                         ShortErrorLine(state_error)};
}

}  // namespace replwatch::parsers

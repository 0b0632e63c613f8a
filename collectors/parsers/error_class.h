#pragma once

#include <string>
#include <string_view>

namespace replwatch::parsers {

/// Cause of a failed replication run; the names are the values of the
/// `class` label (docs/metrics.md, "Error classes").
enum class ReplicationErrorClass {
  kSnapshotChain,
  kDestinationExists,
  kDestinationModified,
  kNoSpace,
  kSsh,
  kNetwork,
  kPoolUnhealthy,
  kFeatureUnsupported,
  kEncryption,
  kPartialReceive,
  kLockTimeout,
  kUnknown,
};

std::string_view ErrorClassName(ReplicationErrorClass error_class);

struct ClassifiedError {
  ReplicationErrorClass error_class = ReplicationErrorClass::kUnknown;
  /// The line that explains the error: <= 120 printable ASCII characters.
  std::string error_line;
};

/// Classifies a job's last error from the state `error` text. When that text
/// is only PVE's generic "command '...' failed: exit code N" (or empty), the
/// last run's log (raw text of /var/log/pve/replicate/<jobid>) is searched
/// for the real ZFS / SSH / PVE message.
ClassifiedError ClassifyReplicationError(std::string_view state_error,
                                         std::string_view log);

/// First non-blank line of `text`, log prefix removed, reduced to printable
/// ASCII and cut to 120 characters; long "command '...'" lines are shortened.
std::string ShortErrorLine(std::string_view text);

}  // namespace replwatch::parsers

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One job's entry in a node's /var/lib/pve-manager/pve-replication-state.json
/// (pve-guest-common ReplicationState.pm). Epochs are 0 when absent, as
/// extract_job_state() defaults them.
struct ReplicationRunState {
  std::int64_t last_sync = 0;  // start of the last successful run
  std::int64_t last_try = 0;   // start of the last run
  std::uint64_t fail_count = 0;
  std::optional<double> duration_seconds;
  std::optional<std::string> error;
  /// Set from a run's start (record_job_start) to its end: the pvesr
  /// process and its start time in clock ticks since boot, which tell a
  /// running run from one whose process died.
  std::optional<std::int64_t> pid;
  std::optional<std::uint64_t> ptime;
};

/// The whole state file: guest -> target id ("local/<target node>") -> state.
struct ReplicationStateFile {
  std::map<std::uint64_t, std::map<std::string, ReplicationRunState>> guests;
  text::ParseWarnings warnings;

  /// The state of `guest`'s job to `target_node`, or nullptr.
  const ReplicationRunState* Find(std::uint64_t guest,
                                  const std::string& target_node) const;
};

/// Reads the file as read_state() does: empty text is an empty state, text
/// that is not a JSON object throws text::ParseError. A guest key that is
/// not a VMID, or an entry that is not an object, is skipped with a
/// warning; a field of the wrong type or out of range keeps its default,
/// with a warning.
ReplicationStateFile ParseReplicationState(std::string_view json);

}  // namespace replwatch::parsers

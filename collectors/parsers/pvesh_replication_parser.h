#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One job from `pvesh get /nodes/<node>/replication --output-format json`.
/// Epoch fields are 0 when PVE reports 0 ("never" / "not scheduled").
struct ReplicationJobState {
  std::string id;  // "<guest>-<jobnum>"
  std::uint64_t guest = 0;
  std::uint64_t jobnum = 0;
  std::string type;  // always "local" today
  std::string target;
  std::string source;             // may be empty
  std::string vmtype;             // "qemu" / "lxc"
  std::string schedule = "*/15";  // PVE's default when unset
  bool schedule_is_default = true;
  std::optional<double> rate_mbps;
  std::string comment;
  bool disabled = false;
  std::string remove_job;  // "local" / "full" while removal is pending
  std::int64_t next_sync = 0;
  std::int64_t last_sync = 0;
  std::int64_t last_try = 0;
  std::uint64_t fail_count = 0;
  std::optional<double> duration_seconds;
  std::optional<std::string> error;  // may contain newlines
  std::optional<std::int64_t> pid;   // present while a run is active

  bool syncing() const { return pid.has_value(); }
};

struct ReplicationStatus {
  std::vector<ReplicationJobState> jobs;
  text::ParseWarnings warnings;
};

/// Accepts numbers or numeric strings for every numeric field and `disable`
/// as 1 / "1" / true. A job without a valid `id` is skipped with a warning;
/// a field of the wrong type is left at its default with a warning. Throws
/// text::ParseError if the document is not a JSON array.
ReplicationStatus ParsePveshReplication(std::string_view json);

/// Splits "<guest>-<jobnum>" (both decimal); nullopt if malformed.
std::optional<std::pair<std::uint64_t, std::uint64_t>> ParseReplicationJobId(
    std::string_view id);

}  // namespace replwatch::parsers

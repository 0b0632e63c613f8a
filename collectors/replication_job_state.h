#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace replwatch {

/// One replication job of a node as PVE's job status shows it: its config
/// merged with its run state (pve-manager's GET /nodes/<node>/replication,
/// which replwatch works out itself: collectors/job_status.h). Epoch fields
/// are 0 for PVE's 0 ("never" / "not scheduled").
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

}  // namespace replwatch

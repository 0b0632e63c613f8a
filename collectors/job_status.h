#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "collectors/parsers/pmxcfs_status_parser.h"
#include "collectors/parsers/replication_cfg_parser.h"
#include "collectors/parsers/replication_state_parser.h"
#include "collectors/replication_job_state.h"

namespace replwatch::jobs {

/// What a node's job status is worked out from: the files pvesr reads.
struct JobStatusInputs {
  const parsers::ReplicationConfig& config;  // replication.cfg
  const std::map<std::uint64_t, parsers::GuestPlacement>& guests;  // .vmlist
  const parsers::ReplicationStateFile& state;  // pve-replication-state.json
  const std::map<std::string, bool>& members_online;  // .members
  std::string local_node;
  std::int64_t utc_offset_seconds = 0;  // the node's zone, for schedules
};

/// The node's replication jobs as PVE's job status lists them
/// (pve-guest-common ReplicationState.pm job_status(1), and pve-manager's
/// API2/Replication.pm extract_job_status), without its writes:
/// - only jobs whose guest exists and lives on `local_node`;
/// - a job without `source` has the local node as its source, and the jobs
///   of a guest that moved here without a migration (HA recovery) have
///   their target switched (switch_replication_job_target_nolock): job_status
///   writes both into replication.cfg, replwatch only reads them that way;
/// - jobs targeting the local node are left out, unless marked for removal;
/// - next_sync: 1 while marked for removal; after a failure,
///   last_try + 5, 10, 15 then 30 minutes per fail_count while the target is
///   online, else 0; otherwise the schedule's first event after last_try.
/// `pid` is kept when the state has pid and ptime: whether that process
/// still runs is the caller's to check (KeepRunningPids).
std::vector<ReplicationJobState> JobStatus(const JobStatusInputs& inputs);

}  // namespace replwatch::jobs

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "collectors/replication_job_state.h"
#include "text/parse_error.h"
#include "transport/transport.h"

namespace replwatch::jobs {

/// A node's replication jobs as PVE lists them, and the cluster's nodes.
struct NodeJobList {
  std::vector<ReplicationJobState> jobs;
  /// Every node of the cluster by /etc/pve/.members (empty if unread).
  std::vector<std::string> cluster_members;
};

/// The node's replication jobs, worked out as PVE's job status does
/// (JobStatus) from the files it reads: /etc/pve/replication.cfg,
/// /etc/pve/.vmlist, the node's pve-replication-state.json, /etc/pve/.members
/// and the node's UTC offset; and, for a job whose state names a running
/// pvesr process, that process's /proc/<pid>/stat. Not `pvesh get
/// /nodes/<node>/replication` or `pvesr status`: both run job_status(),
/// which writes replication.cfg (a missing source, a guest recovered by HA).
/// A missing replication.cfg or state file is "no jobs" / "never run", as
/// for PVE. Throws CollectorError when a file cannot be read,
/// text::ParseError when one is not what pmxcfs or pvesr write, and
/// TransportError for failures of the connection itself.
NodeJobList ReadJobStates(Transport& transport, const std::string& node,
                          text::ParseWarnings* warnings);

/// The job's last run failed: PVE counts failures since the last success
/// and keeps the error text until then.
bool IsFailing(const ReplicationJobState& job);

/// The raw last-run log of `job_id`, or nullopt if it cannot be read (no
/// log yet, unusual id, too large).
std::optional<std::string> ReadJobLog(Transport& transport,
                                      const std::string& job_id);

}  // namespace replwatch::jobs

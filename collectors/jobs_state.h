#pragma once

#include <optional>
#include <string>
#include <vector>

#include "collectors/parsers/pvesh_replication_parser.h"
#include "collectors/parsers/pvesr_status_parser.h"
#include "collectors/parsers/replication_cfg_parser.h"
#include "config/config.h"
#include "transport/transport.h"

namespace replwatch::jobs {

/// The job list of one node, from pvesh or its pvesr fallback.
struct JobStates {
  std::vector<parsers::ReplicationJobState> jobs;
  bool from_pvesr = false;
  std::string pvesh_failure;  // why pvesh was not used (when from_pvesr)
};

/// `pvesh get /nodes/<node>/replication`; if pvesh exits non-zero or is not
/// installed, `pvesr status`. Throws CollectorError if both fail (or pvesr
/// prints no header), ParseError on unparsable pvesh JSON, TransportError
/// for failures of the connection itself.
JobStates ReadJobStates(Transport& transport, const std::string& node,
                        double now, text::ParseWarnings* warnings);

/// A `pvesr status` row as a job state. pvesr prints node-local times
/// without a zone and replwatch has no cheap way to learn the node's zone,
/// so they are read as UTC (exact on UTC nodes, off by the zone otherwise).
/// NextSync `pending` (due) becomes `now`; SYNCING sets pid 0 (a run of
/// unknown pid); a State other than OK/SYNCING is the error.
parsers::ReplicationJobState JobStateFromPvesrRow(
    const parsers::PvesrStatusRow& row, double now);

/// /etc/pve/replication.cfg, or nullopt (logged) if it cannot be read.
std::optional<parsers::ReplicationConfig> ReadReplicationConfig(
    Transport& transport, text::ParseWarnings* warnings);

/// Fills what a state lacks (schedule, rate, comment, removal) from the job's
/// config section; the state's own values win. Config sections without a
/// state are ignored: PVE lists every job of the node's guests, so those
/// belong to other nodes (or to guests that no longer exist).
void MergeConfig(const parsers::ReplicationConfig& config,
                 std::vector<parsers::ReplicationJobState>* jobs);

/// The job's last run failed: PVE counts failures since the last success
/// and keeps the error text until then.
bool IsFailing(const parsers::ReplicationJobState& job);

/// The raw last-run log of `job_id`, or nullopt if it cannot be read (no
/// log yet, unusual id, too large).
std::optional<std::string> ReadJobLog(Transport& transport,
                                      const std::string& job_id);

}  // namespace replwatch::jobs

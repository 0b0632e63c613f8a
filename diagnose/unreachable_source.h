#pragma once

#include <string>
#include <vector>

#include "analysis/cluster_view.h"
#include "analysis/volume_chain.h"
#include "diagnose/diagnosis.h"

namespace replwatch::diagnose {

/// The jobs whose source node cannot be read, from what their targets still
/// tell: the jobs of a node whose view holds only its last job list, and
/// replication snapshots on a reachable node that no reachable node's job
/// list explains (their source is one of `unreachable`). Each is UNKNOWN,
/// with the snapshot a failover to its target would restore, per volume.
/// `index_of`: IndexJobVolumesOfAllNodes(view), which the caller has built.
std::vector<JobDiagnosis> DiagnoseUnreachableSources(
    const ClusterView& view,
    const std::map<std::string, JobVolumeIndex>& index_of,
    const std::vector<NodeProblem>& unreachable);

/// The nodes of `view`'s cluster among `unreachable`, as "pve1" or
/// "pve1 or pve3": the source of replicas no reachable node's job list
/// explains. Empty when none is unreachable.
std::string UnreachableSourcesOf(const ClusterView& view,
                                 const std::vector<NodeProblem>& unreachable);

}  // namespace replwatch::diagnose

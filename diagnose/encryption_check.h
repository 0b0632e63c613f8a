#pragma once

#include <string>
#include <vector>

#include "analysis/cluster_view.h"
#include "diagnose/diagnosis.h"

namespace replwatch::diagnose {

/// Whether the job's replicas keep the encryption a failover needs: none
/// left in the clear (or with a key of its own) under an encrypted parent,
/// every key loaded, and nodes whose pve-storage versions can replicate an
/// encrypted disk. Nothing when no disk of the job is encrypted.
std::vector<Check> CheckEncryption(const ClusterView& view,
                                   const std::vector<std::string>& volumes,
                                   const JobDiagnosis& job);

}  // namespace replwatch::diagnose

#pragma once

#include <string>

#include "analysis/cluster_view.h"
#include "analysis/volume_chain.h"
#include "collectors/jobs.h"
#include "diagnose/diagnosis.h"

namespace replwatch::diagnose {

/// Healthy, Plan A (repair: a common snapshot exists) or Plan B (re-seed:
/// none does) for one volume of `job` and its `chain` (AnalyzeChain), with
/// the commands a human would run.
VolumeVerdict JudgeVolume(const ClusterView& view, const JobFacts& job,
                          const JobDiagnosis& diagnosis,
                          const std::string& volume, const ChainState& chain);

}  // namespace replwatch::diagnose

#pragma once

#include <string>
#include <vector>

namespace replwatch::diagnose {

/// One printed step of a recovery plan: the node it runs on, why, and the
/// command. A `later` step is printed as a comment only: it must wait until
/// the steps before it have had their effect (a full sync), so pasting the
/// plan's lines must not run it.
struct PlanStep {
  std::string node;
  std::string why;
  std::string command;
  bool later = false;
};

/// Where Plan B moves a replica that lost its chain: beside it, under a name
/// PVE's storage does not take for a guest disk. `vm-100-disk-0-stale` would
/// still match ZFSPoolPlugin's `^(vm|base|subvol|basevol)-(\d+)-(\S+)$` and
/// stay guest 100's volume, which PVE's next run may free as stale.
std::string StaleReplicaName(const std::string& volume);

/// Plan B, the cautious way (the runbook's "Plan B" shows the same steps):
/// pause the job, rename the replica out of the way (the way back), let PVE
/// re-seed with a full sync, and destroy the old replica only afterwards.
std::vector<PlanStep> ReseedSteps(const std::string& job_id,
                                  const std::string& source,
                                  const std::string& target,
                                  const std::string& volume);

/// The lines a human reads: "# on <node>: <why>" above each command; a later
/// step as one comment line. `first_note`, if not empty, replaces the first
/// comment's "# on" with a warning that comes first.
std::vector<std::string> RenderSteps(const std::vector<PlanStep>& steps,
                                     const std::string& first_note = "");

}  // namespace replwatch::diagnose

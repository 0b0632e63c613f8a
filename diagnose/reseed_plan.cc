#include "diagnose/reseed_plan.h"

namespace replwatch::diagnose {

std::string StaleReplicaName(const std::string& volume) {
  const auto slash = volume.rfind('/');
  return volume.substr(0, slash + 1) + "stale-" + volume.substr(slash + 1);
}

std::vector<PlanStep> ReseedSteps(const std::string& job_id,
                                  const std::string& source,
                                  const std::string& target,
                                  const std::string& volume) {
  const std::string stale = StaleReplicaName(volume);
  return {
      {source, "pause the job so that PVE does not run it meanwhile",
       "pvesr disable " + job_id},
      {target,
       "move the replica that lost its chain out of the way (the way back)",
       "zfs rename " + volume + " " + stale},
      {source, "resume the job; PVE re-seeds the volume with a full sync",
       "pvesr enable " + job_id},
      {source, "run it now rather than at its next slot",
       "pvesr schedule-now " + job_id},
      {target, "once the full sync has succeeded, remove the old replica",
       "zfs destroy -r " + stale, true},
  };
}

std::vector<std::string> RenderSteps(const std::vector<PlanStep>& steps,
                                     const std::string& first_note) {
  std::vector<std::string> lines;
  for (const auto& step : steps) {
    const std::string where =
        lines.empty() && !first_note.empty()
            ? "# " + first_note + "; then on " + step.node + ": "
            : std::string(step.later ? "# later, on " : "# on ") + step.node +
                  ": ";
    if (step.later) {
      lines.push_back(where + step.why + ": " + step.command);
    } else {
      lines.push_back(where + step.why);
      lines.push_back(step.command);
    }
  }
  return lines;
}

}  // namespace replwatch::diagnose

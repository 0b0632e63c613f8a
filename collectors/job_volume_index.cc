#include "collectors/job_volume_index.h"

#include "collectors/pve_volume_names.h"

namespace replwatch {

JobVolumeIndex IndexJobVolumes(const SnapshotsFacts* snapshots) {
  JobVolumeIndex index;
  if (snapshots == nullptr) return index;
  for (const auto& replicated : snapshots->replicated()) {
    // A dataset is a job's volume when PVE names it as a disk of the job's
    // guest: a replica renamed out of the way (stale-vm-100-disk-0) keeps
    // its replication snapshots but is no longer replicated.
    const std::string_view guest = GuestOfPveVolume(*replicated.dataset);
    for (const auto& [job_id, latest] : replicated.latest_by_job) {
      if (guest.empty() || job_id.substr(0, job_id.find('-')) != guest)
        continue;
      index[std::string(job_id)].push_back(*replicated.dataset);
    }
  }
  return index;
}

}  // namespace replwatch

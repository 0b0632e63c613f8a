#include "collectors/unreplicated_disks.h"

#include <string>

#include "collectors/jobs.h"
#include "text/text_scan.h"

namespace replwatch {
void UnreplicatedDisksFacts::Render(const LabelList& node_labels,
                                    MetricSet& out) const {
  for (const auto& [guest, disks] : guests) {
    const LabelList labels = With(node_labels, "guest", std::to_string(guest));
    out.Gauge("replwatch_guest_unreplicated_disks",
              "Disks of a replicated guest that its replication does not "
              "copy: a failover leaves them behind.",
              labels, static_cast<double>(disks.left_behind.size()));
    for (const UnreplicatedDisk& disk : disks.left_behind) {
      out.Gauge("replwatch_guest_unreplicated_disk_info",
                "A disk a failover of the guest leaves behind, and why; "
                "always 1.",
                With(With(With(labels, "disk", disk.key), "volume",
                          text::Printable(disk.volume, 128)),
                     "reason", std::string(LeftBehindLabel(disk.reason))),
                1);
    }
  }
}

std::shared_ptr<const Facts> UnreplicatedDisksCollector::Collect(
    Transport& transport, const CollectContext& context) {
  auto facts = std::make_shared<UnreplicatedDisksFacts>();
  std::map<std::uint64_t, std::string> guests;
  if (const auto jobs = context.Latest<JobsFacts>()) {
    for (const JobFacts& job : jobs->jobs) {
      guests.emplace(job.state.guest, job.state.vmtype);
    }
  }
  facts->guests = ReadGuestDisks(transport, guests, &facts->warnings);
  return facts;
}

}  // namespace replwatch

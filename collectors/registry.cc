#include "collectors/collector.h"
#include "collectors/contention.h"
#include "collectors/datasets.h"
#include "collectors/ha.h"
#include "collectors/jobs.h"
#include "collectors/nic.h"
#include "collectors/node.h"
#include "collectors/paths.h"
#include "collectors/pools.h"
#include "collectors/snapshots.h"
#include "collectors/unreplicated_disks.h"

namespace replwatch {

// The order is the order of a node's first cycle: jobs before paths (paths
// probes each job's target) and unreplicated_disks (it reads the jobs'
// guests), and nic before paths (the probe uses its MTU).
std::vector<std::unique_ptr<Collector>> MakeAllCollectors(const Clock& now) {
  std::vector<std::unique_ptr<Collector>> collectors;
  collectors.push_back(std::make_unique<NodeCollector>(now));
  collectors.push_back(std::make_unique<JobsCollector>(now));
  collectors.push_back(std::make_unique<UnreplicatedDisksCollector>());
  collectors.push_back(std::make_unique<HaCollector>());
  collectors.push_back(std::make_unique<PoolsCollector>());
  collectors.push_back(std::make_unique<DatasetsCollector>(now));
  collectors.push_back(std::make_unique<SnapshotsCollector>(now));
  collectors.push_back(std::make_unique<NicCollector>());
  collectors.push_back(std::make_unique<PathsCollector>());
  collectors.push_back(std::make_unique<ContentionCollector>());
  return collectors;
}

std::vector<std::string> AllCollectorNames() {
  std::vector<std::string> names;
  for (const auto& collector : MakeAllCollectors()) {
    names.emplace_back(collector->name());
  }
  return names;
}

}  // namespace replwatch

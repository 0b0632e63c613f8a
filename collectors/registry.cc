#include "collectors/collector.h"
#include "collectors/node.h"

namespace replwatch {

std::vector<std::unique_ptr<Collector>> MakeAllCollectors() {
  std::vector<std::unique_ptr<Collector>> collectors;
  collectors.push_back(std::make_unique<NodeCollector>());
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

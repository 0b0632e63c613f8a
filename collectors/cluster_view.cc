#include "collectors/cluster_view.h"

#include <algorithm>

namespace replwatch {

void ClusterView::Add(const std::string& node, std::string_view collector,
                      std::shared_ptr<const Facts> facts) {
  if (!facts) return;
  if (std::find(nodes_.begin(), nodes_.end(), node) == nodes_.end()) {
    nodes_.push_back(node);
  }
  facts_[{node, std::string(collector)}] = std::move(facts);
}

}  // namespace replwatch

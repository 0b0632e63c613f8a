#include "analysis/cluster_view.h"

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

void ClusterView::MarkUnreachable(const std::string& node, double since) {
  unreachable_since_[node] = since;
}

std::optional<double> ClusterView::UnreachableSince(
    const std::string& node) const {
  const auto it = unreachable_since_.find(node);
  if (it == unreachable_since_.end()) return std::nullopt;
  return it->second;
}

}  // namespace replwatch

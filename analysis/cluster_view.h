#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "collectors/collector.h"

namespace replwatch {

/// The latest successful facts of every node of one cluster, for checks
/// that compare two nodes (a job's source and target). A node or collector
/// without current facts is simply absent: no comparison is made with stale
/// or missing data. The one exception: an unreachable node's last job list,
/// marked so, keeps its jobs known for what their targets still tell.
class ClusterView {
 public:
  /// `now`: when the view is taken (epoch seconds), for ages such as the
  /// data a failover would lose.
  ClusterView(std::string cluster, double now)
      : cluster_(std::move(cluster)), now_(now) {}

  /// `facts` as the collector named `collector` found them on `node`.
  void Add(const std::string& node, std::string_view collector,
           std::shared_ptr<const Facts> facts);
  /// The same, for facts of a known type (T::kCollector names it).
  template <typename T>
  void Add(const std::string& node, std::shared_ptr<T> facts) {
    Add(node, std::remove_const_t<T>::kCollector,
        std::shared_ptr<const Facts>(std::move(facts)));
  }

  /// The facts of T's collector (T::kCollector) on `node`, or null.
  template <typename T>
  const T* Find(const std::string& node) const {
    const auto it = facts_.find({node, std::string(T::kCollector)});
    if (it == facts_.end()) return nullptr;
    return dynamic_cast<const T*>(it->second.get());
  }

  /// `node` is unreachable; its facts (its last job list) are of `since`.
  void MarkUnreachable(const std::string& node, double since);
  /// When `node`'s facts were last current, if it is unreachable.
  std::optional<double> UnreachableSince(const std::string& node) const;

  const std::string& cluster() const { return cluster_; }
  double now() const { return now_; }
  const std::vector<std::string>& nodes() const { return nodes_; }

 private:
  std::string cluster_;
  double now_;
  std::vector<std::string> nodes_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const Facts>>
      facts_;
  std::map<std::string, double> unreachable_since_;
};

}  // namespace replwatch

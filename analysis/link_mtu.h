#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "analysis/cluster_view.h"

namespace replwatch {

/// The MTUs at both ends of a replication path, and what the source's
/// don't-fragment probe found.
struct LinkMtu {
  /// Of the interface that routes to the target, else the source's
  /// ReplicationMtu().
  std::optional<std::uint64_t> source;
  /// Of the target's interface in the replication network, else the one
  /// holding the address the source sends to, else its ReplicationMtu().
  std::optional<std::uint64_t> target;
  /// A probe of the source MTU went there and back; nullopt: not probed.
  std::optional<bool> path_ok;

  /// nullopt when either end is unknown.
  std::optional<bool> Mismatch() const;
};

/// From the nic facts of both nodes and the source's paths facts.
LinkMtu LinkMtuOf(const ClusterView& view, const std::string& source,
                  const std::string& target);

}  // namespace replwatch

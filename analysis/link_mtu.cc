#include "analysis/link_mtu.h"

#include "collectors/nic.h"
#include "collectors/paths.h"

namespace replwatch {
namespace {

std::optional<std::uint64_t> TargetMtu(const NicFacts& target,
                                       const PathCheck* path) {
  if (const NicFacts::Interface* in_network =
          target.ReplicationNetworkInterface()) {
    return in_network->mtu;
  }
  if (path != nullptr) {
    if (const NicFacts::Interface* holder =
            target.FindByAddress(path->address)) {
      if (holder->mtu) return holder->mtu;
    }
  }
  return target.ReplicationMtu();
}

// The MTU of the interface the paths collector found the path leaves by, as
// the source's latest nic facts have it: the paths collector may have run
// before the nic collector of the same cycle, with the MTU of the one before.
std::optional<std::uint64_t> SourceMtu(const NicFacts& source,
                                       const PathCheck* path) {
  if (path == nullptr) return source.ReplicationMtu();
  if (const NicFacts::Interface* routed = source.Find(path->interface)) {
    if (routed->mtu) return routed->mtu;
  }
  return path->interface_mtu ? path->interface_mtu : source.ReplicationMtu();
}

}  // namespace

std::optional<bool> LinkMtu::Mismatch() const {
  if (!source || !target) return std::nullopt;
  return *source != *target;
}

LinkMtu LinkMtuOf(const ClusterView& view, const std::string& source,
                  const std::string& target) {
  LinkMtu link;
  const auto* source_paths = view.Find<PathsFacts>(source);
  const PathCheck* path =
      source_paths != nullptr ? source_paths->Find(target) : nullptr;
  if (path != nullptr) link.path_ok = path->path_mtu_ok;
  const auto* source_nic = view.Find<NicFacts>(source);
  const auto* target_nic = view.Find<NicFacts>(target);
  if (source_nic == nullptr || target_nic == nullptr) return link;
  link.source = SourceMtu(*source_nic, path);
  link.target = TargetMtu(*target_nic, path);
  return link;
}

}  // namespace replwatch

#pragma once

// Test-only: nic facts of a node with one interface.

#include <cstdint>
#include <memory>

#include "collectors/nic.h"

namespace replwatch::testing {

/// A node whose only watched interface is vmbr0 (a veth, as in the lab), up,
/// of `mtu` bytes.
inline std::shared_ptr<NicFacts> NicWithVmbr0(std::uint64_t mtu) {
  auto facts = std::make_shared<NicFacts>();
  NicFacts::Interface& vmbr0 = facts->interfaces.emplace_back();
  vmbr0.name = "vmbr0";
  vmbr0.kind = "veth";
  vmbr0.mtu = mtu;
  vmbr0.up = true;
  return facts;
}

}  // namespace replwatch::testing

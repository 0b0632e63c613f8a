#pragma once

#include "collectors/collector.h"

namespace replwatch {

/// Node facts: clock offset against the daemon (corrected for the round
/// trip), ZFS userland/kernel versions and the PVE version.
class NodeCollector : public Collector {
 public:
  std::string_view name() const override { return "node"; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;
};

}  // namespace replwatch

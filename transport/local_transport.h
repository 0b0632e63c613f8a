#pragma once

#include <atomic>

#include "transport/transport.h"

namespace replwatch {

/// Runs commands on this machine (the node replwatch runs on) without a
/// shell: argv is executed directly, resolved on a fixed PATH, with
/// LC_ALL=C, a deadline and an output cap.
class LocalTransport : public Transport {
 public:
  explicit LocalTransport(TransportLimits limits) : limits_(limits) {}
  CommandResult Run(const RemoteCommand& command) override;
  void Cancel() override { cancelled_ = true; }

 private:
  TransportLimits limits_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace replwatch

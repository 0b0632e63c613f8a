#pragma once

#include <cstdint>

#include "transport/transport.h"

namespace replwatch {

/// What a collector's commands cost a node: how many ran, and how many
/// bytes they printed (stdout and stderr, as received).
struct CommandCost {
  std::uint64_t commands = 0;
  std::uint64_t output_bytes = 0;
};

/// Runs commands on another transport and adds each one's cost to a tally,
/// so the node worker can say what each collector asked of a node.
class MeteredTransport : public Transport {
 public:
  MeteredTransport(Transport& inner, CommandCost& tally)
      : inner_(inner), tally_(tally) {}

  CommandResult Run(const RemoteCommand& command) override {
    ++tally_.commands;
    CommandResult result = inner_.Run(command);
    tally_.output_bytes += result.out.size() + result.err.size();
    return result;
  }
  void Cancel() override { inner_.Cancel(); }
  void Keepalive() override { inner_.Keepalive(); }
  bool connected() const override { return inner_.connected(); }

 private:
  Transport& inner_;
  CommandCost& tally_;
};

}  // namespace replwatch

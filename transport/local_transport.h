#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "transport/transport.h"

namespace replwatch {

/// Runs commands on this machine (the node replwatch runs on) without a
/// shell: argv is executed directly, resolved on a fixed PATH, with
/// LC_ALL=C, a deadline and an output cap. Every process a command starts
/// ends with it (see ReapedProcess), whether it exits, times out, is
/// cancelled or replwatch dies.
class LocalTransport : public Transport {
 public:
  /// The daemon's own environment must not decide which binary answers for
  /// `zfs`: the default is the PATH sshd gives root.
  static std::vector<std::string> DefaultSearchPath() {
    return {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin",        "/sbin",          "/bin"};
  }
  explicit LocalTransport(
      TransportLimits limits,
      std::vector<std::string> search_path = DefaultSearchPath())
      : limits_(limits), search_path_(std::move(search_path)) {}
  CommandResult Run(const RemoteCommand& command) override;
  void Cancel() override { cancelled_ = true; }

 private:
  TransportLimits limits_;
  std::vector<std::string> search_path_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace replwatch

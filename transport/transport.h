#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "transport/remote_command.h"

namespace replwatch {

/// What went wrong while reaching a node or running a command on it.
enum class TransportFailure {
  kConnect,         // resolve/TCP/handshake failed or timed out
  kHostKeyChanged,  // the node's key differs from known_hosts: refused
  kHostKeyUnknown,  // no known_hosts entry: refused (no trust on first use)
  kAuth,            // key/agent authentication failed
  kTimeout,         // command exceeded its deadline
  kOutputTooLarge,  // command printed more than max_output_bytes
  kCancelled,       // Cancel() was called (shutdown)
  kExec,            // command could not be started
  kStaleSession,    // an open session turned out dead (retried internally)
};

/// A failure with its kind; what() is a one-line human explanation.
class TransportError : public std::runtime_error {
 public:
  TransportError(TransportFailure kind, const std::string& what)
      : std::runtime_error(what), kind_(kind) {}
  TransportFailure kind() const { return kind_; }

 private:
  TransportFailure kind_;
};

/// What a finished command produced. A non-zero exit status is not an error
/// of the transport: collectors decide what it means.
struct CommandResult {
  int exit_status = -1;
  std::string out;
  std::string err;
  std::chrono::duration<double> elapsed{0};
};

/// Limits applied to every command.
struct TransportLimits {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds command_timeout{std::chrono::seconds(30)};
  std::uint64_t max_output_bytes = 64ull << 20;
  /// Reconnect sessions older than this, so a changed host key or a node
  /// that only hangs for new connections is noticed (0 = never).
  std::chrono::milliseconds session_max_age{std::chrono::minutes(10)};
};

/// Runs allow-listed commands on one node. Run() blocks and must be called
/// from one thread at a time; Cancel() may be called from any thread.
class Transport {
 public:
  virtual ~Transport() = default;
  /// Throws TransportError.
  virtual CommandResult Run(const RemoteCommand& command) = 0;
  /// Makes a blocked or future Run() fail promptly with kCancelled.
  virtual void Cancel() = 0;
  /// Keeps an idle connection alive; drops it if the peer is gone.
  virtual void Keepalive() {}
  /// True while a session is open (always true for local execution).
  virtual bool connected() const { return true; }
};

}  // namespace replwatch

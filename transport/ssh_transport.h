#pragma once

#include <libssh/libssh.h>

#include <atomic>
#include <mutex>
#include <string>

#include "transport/transport.h"

namespace replwatch {

/// Where and as whom to connect, and which known_hosts entry must match.
struct SshTarget {
  std::string address;
  unsigned port = 22;
  std::string known_hosts_name;  // host name looked up in known_hosts
  std::string user = "root";
  std::string key_file;  // empty = agent only
  bool use_agent = false;
  std::string known_hosts_file;
};

/// One persistent libssh session to one node, reused across commands and
/// re-opened on demand after a failure. Host keys are checked strictly
/// against the configured known_hosts file only: a changed or unknown key
/// refuses the connection (libssh's config files are never read). Each
/// Keepalive() also logs in on a second connection (no channel, no command)
/// and drops the session if that fails: a changed host key, a key no longer
/// authorized or an sshd that no longer accepts connections shows at once,
/// not when the session is recycled.
class SshTransport : public Transport {
 public:
  SshTransport(SshTarget target, TransportLimits limits);
  ~SshTransport() override;
  SshTransport(const SshTransport&) = delete;
  SshTransport& operator=(const SshTransport&) = delete;

  CommandResult Run(const RemoteCommand& command) override;
  void Cancel() override;
  void Keepalive() override;
  bool connected() const override { return session_ != nullptr; }

 private:
  void Connect();
  void Handshake();  // TCP, key exchange and host key check; no login
  bool NewConnectionWorks();
  CommandResult RunOnSession(const RemoteCommand& command);
  void Disconnect();
  int OpenSocket();  // TCP connect bounded by connect_timeout and Cancel()
  void VerifyHostKey();
  void Authenticate();
  [[noreturn]] void Fail(TransportFailure kind, const std::string& what);

  SshTarget target_;
  TransportLimits limits_;
  ssh_session session_ = nullptr;
  std::chrono::steady_clock::time_point connected_at_;
  std::atomic<bool> cancelled_{false};
  std::mutex fd_mutex_;  // guards fd_ and connection_probe_ against Cancel()
  int fd_ = -1;
  SshTransport* connection_probe_ = nullptr;  // while Keepalive() probes
};

}  // namespace replwatch

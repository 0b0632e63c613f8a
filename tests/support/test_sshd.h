#pragma once

#include <sys/types.h>

#include <string>

namespace replwatch::testing {

/// A real OpenSSH sshd on 127.0.0.1 with its own host key, a client key
/// authorised for the current user and a matching known_hosts file. Started
/// by the constructor, stopped (by pid) by the destructor.
class TestSshd {
 public:
  TestSshd();
  ~TestSshd();
  TestSshd(const TestSshd&) = delete;
  TestSshd& operator=(const TestSshd&) = delete;

  unsigned port() const { return port_; }
  const std::string& dir() const { return dir_; }
  const std::string& client_key() const { return client_key_; }
  const std::string& known_hosts() const { return known_hosts_; }
  std::string user() const;

  void Pause();   // SIGSTOP: TCP still accepted by the kernel, no answer
  void Resume();  // SIGCONT
  void Stop();
  void Start();
  /// Replaces the host key (known_hosts keeps the old one) and restarts.
  void ChangeHostKey();
  /// The same, but only the listener restarts: sessions established before
  /// live on with the old key, as when a node's ssh.service restarts.
  void ChangeHostKeyKeepingSessions();
  /// Authorises the client key only with command="<command>",restrict.
  void ForceCommand(const std::string& command);

 private:
  void WriteConfig();
  void StopListener();
  void NewHostKey();

  std::string dir_;
  std::string client_key_;
  std::string known_hosts_;
  unsigned port_ = 0;
  pid_t pid_ = -1;
};

/// Runs a shell command line for test set-up; throws on failure.
void RunOrThrow(const std::string& command_line);

/// Returns a TCP port on 127.0.0.1 that was free a moment ago.
unsigned FreeLocalPort();

}  // namespace replwatch::testing

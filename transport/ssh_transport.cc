#include "transport/ssh_transport.h"

#include <fcntl.h>
#include <libssh/server.h>  // ssh_send_keepalive is declared here (0.10)
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "transport/address_resolver.h"
#include "transport/command_output.h"

namespace replwatch {
namespace {

using Clock = std::chrono::steady_clock;

std::string Fingerprint(ssh_session session) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(session, &key) != SSH_OK) return "unknown";
  unsigned char* hash = nullptr;
  size_t length = 0;
  std::string text = "unknown";
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) ==
      0) {
    char* printable =
        ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    if (printable != nullptr) text = printable;
    ssh_string_free_char(printable);
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(key);
  return text;
}

long CeilSeconds(std::chrono::milliseconds d) {
  return static_cast<long>((d.count() + 999) / 1000);
}

// The command's exit status, -1 when there is none (ended by a signal, or the
// channel closed without one).
int ExitStatus(ssh_channel channel) {
#if LIBSSH_VERSION_INT >= SSH_VERSION_INT(0, 11, 0)
  // libssh 0.11 (Debian 13) deprecates ssh_channel_get_exit_status, which is
  // this call with the same -1 cases.
  uint32_t code = static_cast<uint32_t>(-1);
  if (ssh_channel_get_exit_state(channel, &code, nullptr, nullptr) != SSH_OK) {
    return -1;
  }
  return static_cast<int>(code);
#else
  return ssh_channel_get_exit_status(channel);
#endif
}

}  // namespace

SshTransport::SshTransport(SshTarget target, TransportLimits limits)
    : target_(std::move(target)), limits_(limits) {}

SshTransport::~SshTransport() { Disconnect(); }

void SshTransport::Fail(TransportFailure kind, const std::string& what) {
  const std::string where =
      target_.address + ":" + std::to_string(target_.port);
  Disconnect();
  if (cancelled_)
    throw TransportError(TransportFailure::kCancelled, "cancelled");
  throw TransportError(kind, where + ": " + what);
}

void SshTransport::Cancel() {
  cancelled_ = true;
  std::lock_guard<std::mutex> lock(fd_mutex_);
  // Wakes up whatever libssh call is blocked on the socket.
  if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
  if (connection_probe_ != nullptr) connection_probe_->Cancel();
}

void SshTransport::Disconnect() {
  {
    std::lock_guard<std::mutex> lock(fd_mutex_);
    if (session_ == nullptr && fd_ >= 0) close(fd_);  // not yet owned by libssh
    fd_ = -1;
  }
  if (session_ != nullptr) {
    // libssh >= 0.10 leaves a socket given with SSH_OPTIONS_FD open on
    // disconnect, but closes it itself on some errors. Forgetting the option
    // makes ssh_disconnect close it if libssh has not: exactly once. (The
    // call reports "invalid argument" for the null value; it still resets.)
    ssh_options_set(session_, SSH_OPTIONS_FD, nullptr);
    ssh_disconnect(session_);
    ssh_free(session_);
    session_ = nullptr;
  }
}

int SshTransport::OpenSocket() {
  const auto deadline = Clock::now() + limits_.connect_timeout;
  const Resolution resolved =
      ResolveTcpAddress(target_.address, target_.port, deadline, cancelled_);
  if (!resolved.addresses) Fail(TransportFailure::kConnect, resolved.error);
  std::string last_error = "no address";
  for (addrinfo* ai = resolved.addresses.get(); ai != nullptr;
       ai = ai->ai_next) {
    const int fd = socket(ai->ai_family,
                          ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    {
      std::lock_guard<std::mutex> lock(fd_mutex_);
      fd_ = fd;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last_error = std::strerror(errno);
      Disconnect();
      continue;
    }
    pollfd pfd{fd, POLLOUT, 0};
    int ready = 0;
    while (ready == 0 && !cancelled_ && Clock::now() < deadline) {
      ready = poll(&pfd, 1, 100);
    }
    int error = ready > 0 ? 0 : ETIMEDOUT;
    socklen_t length = sizeof error;
    if (ready > 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error == 0 && !cancelled_) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      // Each command is a few small request packets answered by the node:
      // with Nagle's algorithm each waits for a delayed ACK (about 35 ms a
      // command in the lab, measured by bench/run-node-cost-bench.sh).
      const int on = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      return fd;
    }
    last_error =
        error == ETIMEDOUT ? "connect timed out" : std::strerror(error);
    Disconnect();
  }
  Fail(TransportFailure::kConnect, last_error);
}

void SshTransport::Connect() {
  Handshake();
  Authenticate();
  connected_at_ = Clock::now();
  // From here on the option bounds channel operations (exit status, opens).
  long command_timeout = CeilSeconds(limits_.command_timeout);
  ssh_options_set(session_, SSH_OPTIONS_TIMEOUT, &command_timeout);
}

void SshTransport::Handshake() {
  const int fd = OpenSocket();
  session_ = ssh_new();
  if (session_ == nullptr) Fail(TransportFailure::kConnect, "ssh_new failed");
  unsigned int port = target_.port;  // option types must match exactly
  long timeout = CeilSeconds(limits_.connect_timeout);
  bool process_config = false;
  socket_t socket = fd;
  const std::string& name = target_.known_hosts_name.empty()
                                ? target_.address
                                : target_.known_hosts_name;
  ssh_options_set(session_, SSH_OPTIONS_HOST, name.c_str());
  ssh_options_set(session_, SSH_OPTIONS_PORT, &port);
  ssh_options_set(session_, SSH_OPTIONS_USER, target_.user.c_str());
  ssh_options_set(session_, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set(session_, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
  ssh_options_set(session_, SSH_OPTIONS_KNOWNHOSTS,
                  target_.known_hosts_file.c_str());
  // Only our file counts: /etc/ssh/ssh_known_hosts must not vouch for a node.
  ssh_options_set(session_, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  ssh_options_set(session_, SSH_OPTIONS_FD, &socket);
  if (ssh_connect(session_) != SSH_OK) {
    Fail(TransportFailure::kConnect,
         std::string("ssh handshake failed: ") + ssh_get_error(session_));
  }
  VerifyHostKey();
}

void SshTransport::VerifyHostKey() {
  const ssh_known_hosts_e state = ssh_session_is_known_server(session_);
  switch (state) {
    case SSH_KNOWN_HOSTS_OK:
      return;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      Fail(TransportFailure::kHostKeyChanged,
           "HOST KEY CHANGED: the node presented " + Fingerprint(session_) +
               " which does not match " + target_.known_hosts_file +
               "; refusing to connect");
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      Fail(TransportFailure::kHostKeyUnknown,
           "host key " + Fingerprint(session_) + " is not in " +
               target_.known_hosts_file +
               " (no trust on first use: add it after checking it)");
    case SSH_KNOWN_HOSTS_ERROR:
      break;
  }
  Fail(TransportFailure::kConnect,
       std::string("cannot check host key: ") + ssh_get_error(session_));
}

void SshTransport::Authenticate() {
  std::string reasons;
  if (!target_.key_file.empty()) {
    ssh_key key = nullptr;
    if (ssh_pki_import_privkey_file(target_.key_file.c_str(), nullptr, nullptr,
                                    nullptr, &key) != SSH_OK) {
      reasons = "cannot load key file " + target_.key_file;
    } else {
      const int rc = ssh_userauth_publickey(session_, nullptr, key);
      ssh_key_free(key);
      if (rc == SSH_AUTH_SUCCESS) return;
      reasons = "key " + target_.key_file + " refused";
    }
  }
  if (target_.use_agent) {
    if (ssh_userauth_agent(session_, nullptr) == SSH_AUTH_SUCCESS) return;
    reasons += std::string(reasons.empty() ? "" : ", ") + "agent keys refused";
  }
  Fail(TransportFailure::kAuth,
       "authentication as " + target_.user + " failed: " + reasons);
}

CommandResult SshTransport::Run(const RemoteCommand& command) {
  if (cancelled_)
    throw TransportError(TransportFailure::kCancelled, "cancelled");
  if (session_ != nullptr && limits_.session_max_age.count() > 0 &&
      Clock::now() - connected_at_ > limits_.session_max_age) {
    Disconnect();  // re-handshake: host key checked again
  }
  const bool reused = session_ != nullptr;
  if (!reused) Connect();
  for (int attempt = 0;; ++attempt) {
    try {
      return RunOnSession(command);
    } catch (const TransportError& e) {
      if (e.kind() != TransportFailure::kStaleSession) throw;
      // A reused session may have died since (node rebooted, sshd
      // restarted): reconnect once before calling the node unreachable.
      if (!reused || attempt > 0) {
        throw TransportError(TransportFailure::kConnect, e.what());
      }
    }
    Connect();
  }
}

CommandResult SshTransport::RunOnSession(const RemoteCommand& command) {
  const auto start = Clock::now();
  const auto deadline = start + limits_.command_timeout;
  ssh_channel channel = ssh_channel_new(session_);
  if (channel == nullptr) Fail(TransportFailure::kConnect, "no channel");
  std::unique_ptr<ssh_channel_struct, void (*)(ssh_channel)> guard(
      channel, [](ssh_channel c) {
        ssh_channel_close(c);
        ssh_channel_free(c);
      });
  // Ask the node to stop the command a little after we stop waiting.
  const auto remote_timeout =
      std::chrono::seconds(CeilSeconds(limits_.command_timeout) + 1);
  if (ssh_channel_open_session(channel) != SSH_OK ||
      ssh_channel_request_exec(
          channel, command.ShellLine(remote_timeout).c_str()) != SSH_OK) {
    guard.reset();
    Fail(TransportFailure::kStaleSession,
         std::string("cannot start command: ") + ssh_get_error(session_));
  }
  CommandResult result;
  char buffer[65536];
  const std::size_t limit = limits_.max_output_bytes;
  auto check_size = [&] {
    if (result.out.size() + result.err.size() > limit) {
      guard.reset();
      Fail(TransportFailure::kOutputTooLarge,
           "'" + std::string(command.name()) + "' printed more than " +
               std::to_string(limit) + " bytes");
    }
  };
  while (!ssh_channel_is_eof(channel)) {
    if (cancelled_ || Clock::now() >= deadline) {
      guard.reset();
      Fail(cancelled_ ? TransportFailure::kCancelled
                      : TransportFailure::kTimeout,
           "'" + std::string(command.name()) + "' timed out after " +
               std::to_string(limits_.command_timeout.count()) + " ms");
    }
    // Returns 0 on timeout and on EOF alike; the loop condition tells them
    // apart. Short waits keep Cancel() and the deadline responsive.
    int n = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 0, 100);
    if (n == SSH_ERROR) {
      guard.reset();
      Fail(TransportFailure::kConnect,
           std::string("connection lost: ") + ssh_get_error(session_));
    }
    if (n > 0) AppendOutput(result.out, {buffer, std::size_t(n)}, limit);
    while ((n = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer,
                                             1)) > 0) {
      AppendOutput(result.err, {buffer, std::size_t(n)}, limit);
    }
    check_size();
  }
  int n = 0;
  while ((n = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, 0)) >
         0) {
    AppendOutput(result.out, {buffer, std::size_t(n)}, limit);
    check_size();
  }
  while ((n = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, 1)) >
         0) {
    AppendOutput(result.err, {buffer, std::size_t(n)}, limit);
    check_size();
  }
  result.exit_status = ExitStatus(channel);
  result.elapsed = Clock::now() - start;
  return result;
}

void SshTransport::Keepalive() {
  if (session_ == nullptr) return;
  if (!ssh_is_connected(session_) || ssh_send_keepalive(session_) != SSH_OK) {
    Disconnect();
    return;
  }
  // libssh only notices a closed peer when it reads; peek at the socket so a
  // restarted or vanished node is dropped now, not at the next command.
  int fd = -1;
  {
    std::lock_guard<std::mutex> lock(fd_mutex_);
    fd = fd_;
  }
  pollfd pfd{fd, POLLIN, 0};
  char byte;
  if (fd >= 0 && poll(&pfd, 1, 0) > 0 &&
      (pfd.revents & (POLLHUP | POLLERR) ||
       recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0)) {
    Disconnect();
    return;
  }
  if (!NewConnectionWorks()) Disconnect();  // the next run reports why
}

bool SshTransport::NewConnectionWorks() {
  // SSH checks the host key and the client key once, at login: a node whose
  // host key changed, or that no longer authorizes our key, keeps answering
  // on a session opened before (PVE's own replication connects anew). A
  // second login, without a channel, sees what a new one would. It must
  // succeed: OpenSSH >= 9.8 (PVE 9) counts a key offered and then dropped
  // as a failed authentication and, past 15 s of such penalties, refuses
  // the address (PerSourcePenalties).
  auto probe = std::make_unique<SshTransport>(target_, limits_);
  {
    std::lock_guard<std::mutex> lock(fd_mutex_);
    if (cancelled_) return true;
    connection_probe_ = probe.get();
  }
  bool works = true;
  try {
    probe->Handshake();
    probe->Authenticate();
  } catch (const TransportError& e) {
    works = e.kind() == TransportFailure::kCancelled;
  }
  std::lock_guard<std::mutex> lock(fd_mutex_);
  connection_probe_ = nullptr;
  return works;
}

}  // namespace replwatch

#include "transport/local_transport.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "transport/command_output.h"

namespace replwatch {
namespace {

using Clock = std::chrono::steady_clock;

// A fixed PATH: the daemon's own environment must not decide which binary
// answers for `zfs` (sshd uses the same default for root).
constexpr const char* kPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    if (pipe2(fds, O_CLOEXEC) != 0) {
      throw TransportError(TransportFailure::kExec,
                           std::string("pipe: ") + std::strerror(errno));
    }
  }
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
  void CloseWrite() {
    close(fds[1]);
    fds[1] = -1;
  }
};

pid_t Spawn(const RemoteCommand& command, Pipe& out, Pipe& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a timeout kills the whole pipeline it may start.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  std::vector<char*> argv;
  for (const auto& word : command.argv()) {
    argv.push_back(const_cast<char*>(word.c_str()));
  }
  argv.push_back(nullptr);
  char* envp[] = {const_cast<char*>("LC_ALL=C"), const_cast<char*>(kPath),
                  nullptr};
  pid_t pid = -1;
  // posix_spawnp searches the caller's PATH; search ours instead.
  std::string resolved;
  for (const char* dir : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                          "/usr/bin", "/sbin", "/bin"}) {
    const std::string candidate = std::string(dir) + "/" + command.argv()[0];
    if (access(candidate.c_str(), X_OK) == 0) {
      resolved = candidate;
      break;
    }
  }
  int rc = ENOENT;
  if (!resolved.empty()) {
    rc = posix_spawn(&pid, resolved.c_str(), &actions, &attr, argv.data(),
                     envp);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    throw TransportError(TransportFailure::kExec,
                         "cannot run '" + command.argv()[0] +
                             "': " + std::strerror(rc));
  }
  return pid;
}

void KillAndReap(pid_t pid) {
  kill(-pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

}  // namespace

CommandResult LocalTransport::Run(const RemoteCommand& command) {
  if (cancelled_) {
    throw TransportError(TransportFailure::kCancelled, "cancelled");
  }
  const auto start = Clock::now();
  const auto deadline = start + limits_.command_timeout;
  Pipe out, err;
  const pid_t pid = Spawn(command, out, err);
  out.CloseWrite();
  err.CloseWrite();

  CommandResult result;
  pollfd fds[2] = {{out.fds[0], POLLIN, 0}, {err.fds[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_streams = 2;
  char buffer[65536];
  while (open_streams > 0) {
    if (cancelled_) {
      KillAndReap(pid);
      throw TransportError(TransportFailure::kCancelled, "cancelled");
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      KillAndReap(pid);
      throw TransportError(TransportFailure::kTimeout,
                           "'" + command.id() + "' timed out after " +
                               std::to_string(limits_.command_timeout.count()) +
                               " ms");
    }
    // Short polls so Cancel() is noticed quickly.
    const int rc = poll(fds, 2, 100);
    if (rc < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        fds[i].fd = -1;
        --open_streams;
        continue;
      }
      AppendOutput(*sinks[i], {buffer, static_cast<std::size_t>(n)},
                   limits_.max_output_bytes);
      if (result.out.size() + result.err.size() > limits_.max_output_bytes) {
        KillAndReap(pid);
        throw TransportError(
            TransportFailure::kOutputTooLarge,
            "'" + command.id() + "' printed more than " +
                std::to_string(limits_.max_output_bytes) + " bytes");
      }
    }
  }
  // The streams are closed, but the process may linger: keep the deadline.
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (cancelled_ || Clock::now() >= deadline) {
      KillAndReap(pid);
      throw TransportError(TransportFailure::kTimeout,
                           "'" + command.id() + "' did not exit in time");
    }
    usleep(10000);
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status)
                                         : 128 + WTERMSIG(status);
  result.elapsed = Clock::now() - start;
  return result;
}

}  // namespace replwatch

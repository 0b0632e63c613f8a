#include "transport/reaped_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "transport/transport.h"

namespace replwatch {
namespace {

// The reaper's descriptors: 0 /dev/null, 1 stdout, 2 stderr, 3 lifeline.
constexpr int kLifelineFd = 3;

int EncodeStatus(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status)
                                : 128 + WTERMSIG(wait_status);
}

// Everything from here to execve runs in the child of a multi-threaded
// process, so it may only make async-signal-safe calls: no allocation, no
// locks, no stdio.

// SIGKILLs every child the reaper has now. Returns false when the kernel
// cannot list them (no /proc). A number cut off at the end of a short read
// is not acted on (a prefix of a pid is another process); the caller loops.
bool KillChildren() {
  const int fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buffer[4096];
  const ssize_t n = read(fd, buffer, sizeof buffer);
  close(fd);
  if (n < 0) return false;
  pid_t pid = 0;
  bool in_number = false;
  for (ssize_t i = 0; i < n; ++i) {
    const char c = buffer[i];
    if (c >= '0' && c <= '9') {
      pid = pid * 10 + (c - '0');
      in_number = true;
    } else {
      if (in_number && pid > 0) kill(pid, SIGKILL);
      pid = 0;
      in_number = false;
    }
  }
  return true;
}

// Moves `fds` onto 0..3 whatever numbers they had (a target may be one of the
// sources, so each goes to a high number first), then closes all others so
// that no other command's lifeline stays open in this tree.
void ArrangeDescriptors(int (&fds)[4]) {
  int high[4];
  for (int i = 0; i < 4; ++i) high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 16);
  for (int i = 0; i < 4; ++i) dup2(high[i], i);
  close_range(4, ~0U, 0);
}

[[noreturn]] void ExecCommand(const char* path, char* const* argv,
                              char* const* envp, int signal_fd) {
  setpgid(0, 0);
  close(kLifelineFd);
  close(signal_fd);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  execve(path, argv, envp);
  constexpr char kMessage[] = "replwatch: cannot execute the command\n";
  (void)!write(2, kMessage, sizeof kMessage - 1);
  _exit(127);
}

[[noreturn]] void RunReaper(const char* path, char* const* argv,
                            char* const* envp, int out_fd, int err_fd,
                            int lifeline_fd) {
  int fds[4] = {open("/dev/null", O_RDONLY | O_CLOEXEC), out_fd, err_fd,
                lifeline_fd};
  ArrangeDescriptors(fds);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigset_t child_signal;
  sigemptyset(&child_signal);
  sigaddset(&child_signal, SIGCHLD);
  sigprocmask(SIG_SETMASK, &child_signal, nullptr);
  const int signal_fd = signalfd(-1, &child_signal, SFD_CLOEXEC);
  const pid_t command = fork();
  if (command == 0) ExecCommand(path, argv, envp, signal_fd);
  // Only the command's tree may hold the output pipes: their end of file
  // then means the tree is gone.
  close(0);
  close(1);
  close(2);
  int status = 128 + SIGKILL;
  bool exited = command < 0;
  pollfd events[2] = {{kLifelineFd, POLLIN, 0}, {signal_fd, POLLIN, 0}};
  while (!exited) {
    if (poll(events, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    // Any byte or the end of file on the lifeline: replwatch wants it ended.
    if (events[0].revents != 0) break;
    signalfd_siginfo info;
    (void)!read(signal_fd, &info, sizeof info);
    int wait_status = 0;
    pid_t done;
    while ((done = waitpid(-1, &wait_status, WNOHANG)) > 0) {
      if (done == command) {
        status = EncodeStatus(wait_status);
        exited = true;
      }
    }
  }
  // Kill, reap, repeat: each death hands its children to this reaper.
  for (;;) {
    if (!KillChildren()) {
      if (command > 0) kill(-command, SIGKILL);
      while (waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      break;
    }
    int wait_status = 0;
    const pid_t done = waitpid(-1, &wait_status, 0);
    if (done < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: the whole tree is gone
    }
    if (done == command && !exited) {
      status = EncodeStatus(wait_status);
      exited = true;
    }
  }
  _exit(status);
}

std::vector<char*> NullTerminated(const std::vector<std::string>& words) {
  std::vector<char*> pointers;
  for (const auto& word : words)
    pointers.push_back(const_cast<char*>(word.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

ReapedProcess::ReapedProcess(const std::string& path,
                             const std::vector<std::string>& argv,
                             const std::vector<std::string>& envp, int out_fd,
                             int err_fd) {
  std::vector<char*> argv_pointers = NullTerminated(argv);
  std::vector<char*> envp_pointers = NullTerminated(envp);
  int lifeline[2];
  if (pipe2(lifeline, O_CLOEXEC) != 0) {
    throw TransportError(TransportFailure::kExec,
                         std::string("pipe: ") + std::strerror(errno));
  }
  reaper_ = fork();
  if (reaper_ == 0) {
    RunReaper(path.c_str(), argv_pointers.data(), envp_pointers.data(), out_fd,
              err_fd, lifeline[0]);
  }
  const int fork_errno = errno;
  close(lifeline[0]);
  if (reaper_ < 0) {
    close(lifeline[1]);
    throw TransportError(
        TransportFailure::kExec,
        "cannot run '" + argv[0] + "': fork: " + std::strerror(fork_errno));
  }
  lifeline_ = lifeline[1];
}

ReapedProcess::~ReapedProcess() {
  if (status_ < 0) Kill();
}

int ReapedProcess::PollExit() { return status_ >= 0 ? status_ : Wait(WNOHANG); }

void ReapedProcess::Kill() {
  if (lifeline_ >= 0) {
    close(lifeline_);
    lifeline_ = -1;
  }
  if (status_ < 0) Wait(0);
}

int ReapedProcess::Wait(int options) {
  int wait_status = 0;
  pid_t done;
  do {
    done = waitpid(reaper_, &wait_status, options);
  } while (done < 0 && errno == EINTR);
  if (done != reaper_) return -1;
  status_ = EncodeStatus(wait_status);
  if (lifeline_ >= 0) {
    close(lifeline_);
    lifeline_ = -1;
  }
  return status_;
}

}  // namespace replwatch

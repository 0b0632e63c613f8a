#include "transport/local_transport.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "transport/command_output.h"
#include "transport/reaped_process.h"

namespace replwatch {
namespace {

using Clock = std::chrono::steady_clock;

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

std::string PathVariable(const std::vector<std::string>& search_path) {
  std::string value = "PATH=";
  for (const auto& dir : search_path) {
    if (value.size() > 5) value += ':';
    value += dir;
  }
  return value;
}

// The first `search_path` directory that has an executable `program`.
std::string Resolve(const std::string& program,
                    const std::vector<std::string>& search_path) {
  for (const auto& dir : search_path) {
    const std::string candidate = dir + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw TransportError(TransportFailure::kExec, "cannot run '" + program +
                                                    "': not an executable in " +
                                                    PathVariable(search_path));
}

}  // namespace

CommandResult LocalTransport::Run(const RemoteCommand& command) {
  if (cancelled_) {
    throw TransportError(TransportFailure::kCancelled, "cancelled");
  }
  const auto start = Clock::now();
  const auto deadline = start + limits_.command_timeout;
  Pipe out, err;
  ReapedProcess process(
      Resolve(command.argv()[0], search_path_), command.argv(),
      {"LC_ALL=C", PathVariable(search_path_)}, out.fds[1], err.fds[1]);
  out.CloseWrite();
  err.CloseWrite();

  CommandResult result;
  pollfd fds[2] = {{out.fds[0], POLLIN, 0}, {err.fds[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_streams = 2;
  char buffer[65536];
  while (open_streams > 0) {
    if (cancelled_) {
      process.Kill();
      throw TransportError(TransportFailure::kCancelled, "cancelled");
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      process.Kill();
      throw TransportError(
          TransportFailure::kTimeout,
          "'" + std::string(command.name()) + "' timed out after " +
              std::to_string(limits_.command_timeout.count()) + " ms");
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
        process.Kill();
        throw TransportError(
            TransportFailure::kOutputTooLarge,
            "'" + std::string(command.name()) + "' printed more than " +
                std::to_string(limits_.max_output_bytes) + " bytes");
      }
    }
  }
  // The streams are closed, but the process may linger: keep the deadline.
  int status;
  while ((status = process.PollExit()) < 0) {
    if (cancelled_ || Clock::now() >= deadline) {
      process.Kill();
      throw TransportError(
          TransportFailure::kTimeout,
          "'" + std::string(command.name()) + "' did not exit in time");
    }
    usleep(10000);
  }
  result.exit_status = status;
  result.elapsed = Clock::now() - start;
  return result;
}

}  // namespace replwatch

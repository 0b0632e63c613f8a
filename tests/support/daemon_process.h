#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace replwatch::testing {

/// The real replwatch binary started as a child process for end-to-end
/// tests; stopped by pid in the destructor.
class DaemonProcess {
 public:
  /// Starts `<build>/daemon/replwatch args...` with stderr to a log file.
  explicit DaemonProcess(const std::vector<std::string>& args);
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signal);
  /// Waits up to `limit` for the process to exit; returns its exit code or
  /// -1 if it is still running.
  int WaitForExit(std::chrono::seconds limit);
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

/// GETs http://<url> with the real curl; returns the body ("" on failure).
std::string HttpGet(const std::string& url, int max_seconds = 10);

/// Polls `condition` every 100 ms until it holds or `limit` passes.
bool WaitUntil(const std::function<bool()>& condition,
               std::chrono::seconds limit);

/// Runs `command` and returns its stdout; `exit_code` gets its exit status.
std::string RunCapture(const std::string& command, int* exit_code = nullptr);

/// Path of the built replwatch binary.
std::string ReplwatchBinary();

}  // namespace replwatch::testing

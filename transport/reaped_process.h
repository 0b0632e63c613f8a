#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace replwatch {

/// A local command that cannot leave processes behind. It runs under a
/// reaper: a forked child of replwatch that makes itself a child subreaper
/// (PR_SET_CHILD_SUBREAPER), so every process the command starts stays in
/// the reaper's tree even if it calls setsid or double-forks. When the
/// command exits, when Kill() is called, or when replwatch dies (the reaper's
/// lifeline pipe closes), the reaper kills every descendant, waits for all of
/// them and exits with the command's status. So Wait() returning means the
/// whole tree is gone.
class ReapedProcess {
 public:
  /// Starts `path` with `argv` and `envp`, stdin from /dev/null, stdout and
  /// stderr to `out_fd` and `err_fd` (the caller keeps and closes its own
  /// copies). Throws TransportError(kExec) when no process can be made.
  ReapedProcess(const std::string& path, const std::vector<std::string>& argv,
                const std::vector<std::string>& envp, int out_fd, int err_fd);
  ReapedProcess(const ReapedProcess&) = delete;
  ReapedProcess& operator=(const ReapedProcess&) = delete;
  /// Kills and waits if the process was neither waited for nor killed.
  ~ReapedProcess();

  /// The command's exit status (or 128 + signal) once it has exited and its
  /// tree is gone; -1 while it still runs.
  int PollExit();
  /// Ends the command and every descendant; returns once all are gone.
  void Kill();

 private:
  int Wait(int options);

  pid_t reaper_ = -1;
  int lifeline_ = -1;  // write end; closing it tells the reaper to kill
  int status_ = -1;
};

}  // namespace replwatch

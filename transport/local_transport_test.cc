#include "transport/local_transport.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "testing/catch.h"

namespace replwatch {
namespace {

TransportLimits Limits(std::chrono::milliseconds timeout,
                       std::uint64_t max_bytes = 1 << 20) {
  TransportLimits limits;
  limits.command_timeout = timeout;
  limits.max_output_bytes = max_bytes;
  return limits;
}

TEST_CASE("local transport runs an allow-listed command", "[local]") {
  LocalTransport transport(Limits(std::chrono::seconds(10)));
  const CommandResult result = transport.Run(MakeCommand(CommandId::kDate));
  CHECK(result.exit_status == 0);
  // `date +%s.%N` prints seconds since the epoch with nanoseconds.
  const double remote = std::stod(result.out);
  CHECK(remote > 1.6e9);
  CHECK(result.out.find('.') != std::string::npos);
}

TEST_CASE("local transport reports a non-zero exit and stderr", "[local]") {
  LocalTransport transport(Limits(std::chrono::seconds(10)));
  const CommandResult result =
      transport.Run(MakeCommand(CommandId::kCatReplicationLog, {"999999-9"}));
  CHECK(result.exit_status != 0);
  CHECK(result.err.find("No such file") != std::string::npos);
}

TEST_CASE("a hostile value reaches the program as one inert argument",
          "[local]") {
  // No shell is involved locally, and remotely every word is quoted; a
  // node name with shell syntax is refused before that anyway.
  const std::string marker = "/tmp/replwatch-injection-marker";
  std::remove(marker.c_str());
  CHECK_THROWS_AS(MakeCommand(CommandId::kSshBatchCheck,
                              {"x;touch " + marker, "198.18.0.12"}),
                  CommandRejected);
  CHECK(access(marker.c_str(), F_OK) != 0);
}

TEST_CASE("local transport cancels promptly", "[local]") {
  LocalTransport transport(Limits(std::chrono::seconds(30)));
  transport.Cancel();
  CHECK_THROWS_MATCHES(
      transport.Run(MakeCommand(CommandId::kDate)), TransportError,
      Catch::Matchers::Predicate<TransportError>([](const TransportError& e) {
        return e.kind() == TransportFailure::kCancelled;
      }));
}

TEST_CASE("local transport caps output size", "[local]") {
  // /etc/pve/.members does not exist here, but `ip -j -s -s -d addr` prints
  // a few hundred bytes at least.
  LocalTransport transport(Limits(std::chrono::seconds(10), 16));
  CHECK_THROWS_MATCHES(
      transport.Run(MakeCommand(CommandId::kIpAddrStats)), TransportError,
      Catch::Matchers::Predicate<TransportError>([](const TransportError& e) {
        return e.kind() == TransportFailure::kOutputTooLarge;
      }));
}

// A search path of one directory whose `date` is a shell script that starts a
// grandchild in a session of its own (setsid, as a daemonizing tool would),
// which records its pid and sleeps. `tail` is what the script does after.
class EscapingDate {
 public:
  explicit EscapingDate(const std::string& tail) {
    char pattern[] = "/tmp/replwatch-local-XXXXXX";
    dir_ = mkdtemp(pattern);
    std::ofstream(dir_ + "/date")
        << "#!/bin/sh\n"
        << "setsid /bin/sh -c 'echo $$ > " << PidFile() << ".new; mv "
        << PidFile() << ".new " << PidFile()
        << "; exec sleep 300' </dev/null >/dev/null 2>&1 &\n"
        << "while [ ! -e " << PidFile() << " ]; do sleep 0.01; done\n"
        << tail << "\n";
    chmod((dir_ + "/date").c_str(), 0755);
  }
  ~EscapingDate() {
    // Whatever the outcome, leave no sleeper behind.
    if (pid_ > 0) kill(pid_, SIGKILL);
    std::remove(PidFile().c_str());
    std::remove((dir_ + "/date").c_str());
    rmdir(dir_.c_str());
  }
  std::vector<std::string> SearchPath() const {
    std::vector<std::string> path = LocalTransport::DefaultSearchPath();
    path.insert(path.begin(), dir_);
    return path;
  }
  bool Started() const { return access(PidFile().c_str(), F_OK) == 0; }
  pid_t Grandchild() {
    std::ifstream(PidFile()) >> pid_;
    return pid_;
  }

 private:
  std::string PidFile() const { return dir_ + "/grandchild.pid"; }
  std::string dir_;
  pid_t pid_ = 0;
};

bool Alive(pid_t pid) { return kill(pid, 0) == 0 || errno != ESRCH; }

// Polls `condition` until it holds or `limit` passes; the limit only bounds a
// failing test.
template <typename Condition>
bool WaitFor(Condition condition, std::chrono::seconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

TEST_CASE("a local command's setsid grandchild ends when the command exits",
          "[local]") {
  EscapingDate date("echo done");
  LocalTransport transport(Limits(std::chrono::seconds(60)), date.SearchPath());
  const CommandResult result = transport.Run(MakeCommand(CommandId::kDate));
  CHECK(result.exit_status == 0);
  CHECK(result.out == "done\n");
  const pid_t grandchild = date.Grandchild();
  REQUIRE(grandchild > 0);
  CHECK_FALSE(Alive(grandchild));
}

TEST_CASE("a cancelled local command leaves no descendant", "[local]") {
  EscapingDate date("exec sleep 300");
  LocalTransport transport(Limits(std::chrono::seconds(600)),
                           date.SearchPath());
  std::thread canceller([&] {
    WaitFor([&] { return date.Started(); }, std::chrono::seconds(60));
    transport.Cancel();
  });
  CHECK_THROWS_AS(transport.Run(MakeCommand(CommandId::kDate)), TransportError);
  canceller.join();
  const pid_t grandchild = date.Grandchild();
  REQUIRE(grandchild > 0);
  CHECK_FALSE(Alive(grandchild));
}

TEST_CASE("a local command's descendants end when replwatch is killed",
          "[local]") {
  EscapingDate date("exec sleep 300");
  const pid_t replwatch = fork();
  if (replwatch == 0) {
    LocalTransport transport(Limits(std::chrono::seconds(600)),
                             date.SearchPath());
    try {
      transport.Run(MakeCommand(CommandId::kDate));
    } catch (...) {
    }
    _exit(0);
  }
  REQUIRE(WaitFor([&] { return date.Started(); }, std::chrono::seconds(60)));
  kill(replwatch, SIGKILL);
  waitpid(replwatch, nullptr, 0);
  const pid_t grandchild = date.Grandchild();
  REQUIRE(grandchild > 0);
  CHECK(WaitFor([&] { return !Alive(grandchild); }, std::chrono::seconds(30)));
}

TEST_CASE("a program missing from the search path is named with the path",
          "[local]") {
  LocalTransport transport(Limits(std::chrono::seconds(10)),
                           {"/nonexistent-replwatch-dir"});
  CHECK_THROWS_WITH(transport.Run(MakeCommand(CommandId::kDate)),
                    "cannot run 'date': not an executable in "
                    "PATH=/nonexistent-replwatch-dir");
}

}  // namespace
}  // namespace replwatch

// End-to-end tests of the replwatch binary against real OpenSSH sshds on
// loopback: scrapes, hung nodes, host keys, reloads, shutdown, once and
// check-config.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "testing/catch.h"
#include "tests/support/daemon_process.h"
#include "tests/support/test_sshd.h"

namespace replwatch::testing {
namespace {

// How long a condition that needs a collection cycle may take. Seconds on an
// idle machine; the suite also runs beside lab tests and two builds on two
// cores, where the first ssh connection alone can take several times its
// connect_timeout. Waits end as soon as the condition holds.
constexpr std::chrono::seconds kCycleDeadline{120};

struct NodeSpec {
  std::string name;
  const TestSshd* sshd;
};

// A config file for the given sshds; each sshd has its own key files, so
// each node gets its own cluster entry carrying them.
std::string WriteConfig(const std::string& path,
                        const std::vector<NodeSpec>& nodes,
                        const std::string& connect_timeout = "2s") {
  std::ofstream out(path);
  out << "global:\n  collection_interval: 1s\n  jitter: 100ms\n"
      << "  connect_timeout: " << connect_timeout << "\n"
      << "  command_timeout: 5s\n  reconnect_backoff_initial: 1s\n"
      << "  reconnect_backoff_max: 2s\n"
      << "clusters:\n";
  for (const auto& node : nodes) {
    out << "  - name: c-" << node.name
        << "\n    ssh:\n      user: " << node.sshd->user()
        << "\n      key_file: " << node.sshd->client_key()
        << "\n      known_hosts_file: " << node.sshd->known_hosts()
        << "\n    nodes:\n      - name: " << node.name
        << "\n        address: 127.0.0.1\n        port: " << node.sshd->port()
        << "\n";
  }
  return path;
}

std::string TempPath(const std::string& name) {
  return "/tmp/replwatch-e2e-" + std::to_string(getpid()) + "-" + name;
}

struct RunningDaemon {
  unsigned port = FreeLocalPort();
  std::unique_ptr<DaemonProcess> process;
  explicit RunningDaemon(const std::string& config) {
    process = std::make_unique<DaemonProcess>(std::vector<std::string>{
        "--config.file=" + config,
        "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  }
  std::string Scrape() const {
    return HttpGet("127.0.0.1:" + std::to_string(port) + "/metrics");
  }
  bool ScrapeHas(const std::string& text) const {
    return Scrape().find(text) != std::string::npos;
  }
};

// The node collector is the one collector that works against a bare sshd
// (no zfs or PVE there): its success means a full round trip happened.
std::string NodeCollectorOk(const std::string& node) {
  return "replwatch_collector_success{pve_cluster=\"c-" + node + "\",node=\"" +
         node + "\",collector=\"node\"} 1";
}

// The value of the first sample whose line starts with `prefix`, or -1.
double SampleValue(const std::string& scrape, const std::string& prefix) {
  const auto at = scrape.find(prefix);
  if (at == std::string::npos) return -1;
  const auto end = scrape.find('\n', at);
  const std::string line = scrape.substr(at, end - at);
  return std::stod(line.substr(line.rfind(' ') + 1));
}

std::string UpLine(const std::string& node, int value) {
  return "replwatch_node_up{pve_cluster=\"c-" + node + "\",node=\"" + node +
         "\"} " + std::to_string(value);
}

TEST_CASE("the daemon collects over ssh and serves a clean exposition",
          "[e2e]") {
  TestSshd sshd;
  const std::string config = WriteConfig(TempPath("ok.yml"), {{"pve1", &sshd}});
  RunningDaemon daemon(config);
  REQUIRE(WaitUntil([&] { return daemon.ScrapeHas(NodeCollectorOk("pve1")); },
                    kCycleDeadline));
  const std::string scrape = daemon.Scrape();
  CHECK(scrape.find(UpLine("pve1", 1)) != std::string::npos);
  CHECK(scrape.find("replwatch_node_clock_offset_seconds{pve_cluster=\"c-pve1\""
                    ",node=\"pve1\"}") != std::string::npos);
  CHECK(scrape.find("replwatch_collector_success{pve_cluster=\"c-pve1\",node="
                    "\"pve1\",collector=\"node\"} 1") != std::string::npos);
  CHECK(scrape.find("replwatch_build_info{") != std::string::npos);
  // promtool (Prometheus' own linter) has nothing to say about it.
  std::ofstream(TempPath("scrape.txt")) << scrape;
  int rc = -1;
  const std::string lint = RunCapture(
      "promtool check metrics < " + TempPath("scrape.txt") + " 2>&1", &rc);
  CHECK(lint == "");
  CHECK(rc == 0);
  CHECK(HttpGet("127.0.0.1:" + std::to_string(daemon.port) + "/-/healthy") ==
        "OK\n");
  CHECK(HttpGet("127.0.0.1:" + std::to_string(daemon.port) + "/")
            .find("<td>pve1</td>") != std::string::npos);
}

TEST_CASE("a hung node delays neither other nodes nor scrapes", "[e2e]") {
  TestSshd healthy, hung;
  hung.Pause();  // accepts TCP, never answers
  // The hung node's connect timeout is far longer than the whole test.
  const std::string config = WriteConfig(
      TempPath("hung.yml"), {{"good", &healthy}, {"bad", &hung}}, "900s");
  RunningDaemon daemon(config);
  // Each wait may take long on a loaded machine: a full cycle of the good
  // node's 7 collectors took 25 s while the suite ran beside it, and one of
  // 8 took more than 45 s (CI run 9). Both waits together stay inside the
  // hung node's 900 s connect timeout.
  constexpr auto kDeadline = std::chrono::seconds(300);
  REQUIRE(WaitUntil([&] { return daemon.ScrapeHas(NodeCollectorOk("good")); },
                    kDeadline));
  // Results keep arriving for the healthy node and scrapes are answered
  // while the hung node's first connection attempt is still pending.
  const std::string last_success =
      "replwatch_collector_last_success_timestamp_seconds{pve_cluster=\"c-"
      "good\""
      ",node=\"good\",collector=\"node\"}";
  const double first = SampleValue(daemon.Scrape(), last_success);
  REQUIRE(first > 0);
  REQUIRE(WaitUntil(
      [&] { return SampleValue(daemon.Scrape(), last_success) > first; },
      kDeadline));
  CHECK(daemon.Scrape().find("replwatch_node_up{pve_cluster=\"c-bad\"") ==
        std::string::npos);
  // SIGTERM with the hung connect still in flight: a clean, prompt exit.
  daemon.process->Signal(SIGTERM);
  const int exit_code = daemon.process->WaitForExit(std::chrono::seconds(10));
  INFO(daemon.process->Log());
  CHECK(exit_code == 0);
  hung.Resume();
}

TEST_CASE("a changed host key is reported and the node is down", "[e2e]") {
  TestSshd sshd;
  sshd.ChangeHostKey();
  const std::string config =
      WriteConfig(TempPath("key.yml"), {{"pve1", &sshd}});
  RunningDaemon daemon(config);
  REQUIRE(WaitUntil(
      [&] {
        return daemon.ScrapeHas(
            "replwatch_ssh_host_key_changed{pve_cluster=\"c-pve1\",node="
            "\"pve1\"} 1");
      },
      kCycleDeadline));
  CHECK(daemon.ScrapeHas(UpLine("pve1", 0)));
  CHECK(daemon.process->Log().find("HOST KEY CHANGED") != std::string::npos);
}

TEST_CASE("a bad config on SIGHUP is refused and the old one kept", "[e2e]") {
  TestSshd one, two;
  const std::string path = TempPath("reload.yml");
  WriteConfig(path, {{"pve1", &one}});
  RunningDaemon daemon(path);
  REQUIRE(WaitUntil([&] { return daemon.ScrapeHas(UpLine("pve1", 1)); },
                    kCycleDeadline));
  std::ofstream(path) << "clusters:\n  - name: x\n    nodez: []\n";
  daemon.process->Signal(SIGHUP);
  REQUIRE(WaitUntil(
      [&] {
        return daemon.ScrapeHas("replwatch_config_last_reload_successful 0");
      },
      kCycleDeadline));
  CHECK(daemon.process->Log().find(path + ":3:5: unknown key 'nodez'") !=
        std::string::npos);
  CHECK(daemon.ScrapeHas(UpLine("pve1", 1)));  // still watched
  // A good config is taken: pve2 appears, pve1 disappears.
  WriteConfig(path, {{"pve2", &two}});
  daemon.process->Signal(SIGHUP);
  REQUIRE(WaitUntil([&] { return daemon.ScrapeHas(UpLine("pve2", 1)); },
                    kCycleDeadline));
  CHECK(daemon.ScrapeHas("replwatch_config_last_reload_successful 1"));
  CHECK_FALSE(daemon.ScrapeHas("node=\"pve1\""));
}

// Peak resident memory of a process (VmHWM), in KiB.
long PeakMemoryKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The longest line of `text`, in bytes.
std::size_t LongestLine(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  std::size_t longest = 0;
  while (std::getline(lines, line)) longest = std::max(longest, line.size());
  return longest;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `content` into the named pipe at `path` once a reader has it open
// (opening a pipe for writing without a reader would block), then closes
// it. False if no reader came within 10 s.
bool WriteToWaitingReader(const std::string& path, const std::string& content) {
  int fd = -1;
  WaitUntil(
      [&] {
        fd = open(path.c_str(), O_WRONLY | O_NONBLOCK);
        return fd >= 0;
      },
      kCycleDeadline);
  if (fd < 0) return false;
  fcntl(fd, F_SETFL, 0);
  const bool written = write(fd, content.data(), content.size()) ==
                       static_cast<ssize_t>(content.size());
  close(fd);
  return written;
}

// Prometheus' default scrape_timeout: every scrape must beat it.
constexpr int kScrapeTimeoutSeconds = 10;

TEST_CASE("a config file that hangs on SIGHUP holds up no scrape", "[e2e]") {
  TestSshd one, two;
  const std::string path = TempPath("fifo.yml");
  WriteConfig(path, {{"pve1", &one}});
  RunningDaemon daemon(path);
  REQUIRE(WaitUntil([&] { return daemon.ScrapeHas(UpLine("pve1", 1)); },
                    kCycleDeadline));
  // A named pipe stands for a file on a hung mount: opening it blocks
  // until someone opens it for writing.
  std::remove(path.c_str());
  REQUIRE(mkfifo(path.c_str(), 0600) == 0);
  daemon.process->Signal(SIGHUP);
  REQUIRE(WaitUntil(
      [&] {
        return daemon.process->Log().find("SIGHUP: reloading") !=
               std::string::npos;
      },
      kCycleDeadline));
  for (int i = 0; i < 3; ++i) {
    INFO("scrape " << i << " while the config read hangs");
    CHECK_FALSE(HttpGet("127.0.0.1:" + std::to_string(daemon.port) + "/metrics",
                        kScrapeTimeoutSeconds)
                    .empty());
  }
  // The read ends, the reload goes through.
  const std::string next = TempPath("fifo-next.yml");
  WriteConfig(next, {{"pve2", &two}});
  REQUIRE(WriteToWaitingReader(path, ReadFile(next)));
  REQUIRE(WaitUntil([&] { return daemon.ScrapeHas(UpLine("pve2", 1)); },
                    kCycleDeadline));
  CHECK(daemon.ScrapeHas("replwatch_config_last_reload_successful 1"));
  std::remove(path.c_str());
  std::remove(next.c_str());
}

TEST_CASE("a 100 MB config on SIGHUP is refused in one short line", "[e2e]") {
  TestSshd sshd;
  const std::string path = TempPath("huge.yml");
  WriteConfig(path, {{"pve1", &sshd}});
  RunningDaemon daemon(path);
  REQUIRE(WaitUntil([&] { return daemon.ScrapeHas(UpLine("pve1", 1)); },
                    kCycleDeadline));
  const long peak_before = PeakMemoryKiB(daemon.process->pid());
  // A valid config with a 100 MB comment after it, as a runaway script
  // appending to the wrong file leaves it.
  std::ofstream(path, std::ios::app)
      << "# " << std::string(100 << 20, 'x') << "\n";
  const auto size = std::filesystem::file_size(path);
  daemon.process->Signal(SIGHUP);
  REQUIRE(WaitUntil(
      [&] {
        const std::string scrape =
            HttpGet("127.0.0.1:" + std::to_string(daemon.port) + "/metrics",
                    kScrapeTimeoutSeconds);
        REQUIRE_FALSE(scrape.empty());
        return scrape.find("replwatch_config_last_reload_successful 0") !=
               std::string::npos;
      },
      std::chrono::seconds(30)));
  const std::string log = daemon.process->Log();
  CHECK(log.find(path + ":1:1: cannot read the config file: the file is " +
                 std::to_string(size) + " bytes, over the limit of 1 MiB") !=
        std::string::npos);
  CHECK(LongestLine(log) < 1024);
  // Refused unread: the daemon's peak memory did not grow by the file.
  CHECK(PeakMemoryKiB(daemon.process->pid()) - peak_before < 32 * 1024);
  CHECK(daemon.ScrapeHas(UpLine("pve1", 1)));  // still watched
  std::remove(path.c_str());
}

TEST_CASE("check-config cuts long problems and refuses huge files", "[e2e]") {
  TestSshd sshd;
  const std::string config = TempPath("long-value.yml");
  WriteConfig(config, {{"pve1", &sshd}});
  // A 900 KB value fits the size limit; its problem line is cut.
  std::ofstream(config, std::ios::app)
      << "collectors:\n  node:\n    interval: " << std::string(900000, 'x')
      << "\n";
  int rc = -1;
  const std::string long_value = RunCapture(
      ReplwatchBinary() + " check-config --config.file=" + config + " 2>&1",
      &rc);
  CHECK(rc == 1);
  CHECK(LongestLine(long_value) < 1024);
  CHECK(long_value.find("more bytes)") != std::string::npos);

  const std::string huge = TempPath("huge-web.yml");
  std::ofstream(huge) << "# " << std::string(100 << 20, 'x') << "\n";
  const std::string huge_files =
      RunCapture(ReplwatchBinary() + " check-config --config.file=" + huge +
                     " --web.config.file=" + huge + " 2>&1",
                 &rc);
  CHECK(rc == 1);
  const std::string size = std::to_string((100 << 20) + 3);
  CHECK(huge_files == huge + ":1:1: cannot read the config file: the file is " +
                          size + " bytes, over the limit of 1 MiB\n" + huge +
                          ": the file is " + size +
                          " bytes, over the limit of 64 KiB\n");
  std::remove(config.c_str());
  std::remove(huge.c_str());
}

TEST_CASE("once prints one cycle and check-config lists every problem",
          "[e2e]") {
  TestSshd sshd;
  const std::string config =
      WriteConfig(TempPath("once.yml"), {{"pve1", &sshd}});
  int rc = -1;
  const std::string once = RunCapture(
      ReplwatchBinary() + " once --config.file=" + config + " 2>/dev/null",
      &rc);
  CHECK(rc == 0);
  CHECK(once.find(UpLine("pve1", 1)) != std::string::npos);

  const std::string bad = TempPath("bad.yml");
  std::ofstream(bad) << "global:\n  jitter: soon\nclusters:\n  - name: c\n"
                        "    nodes:\n      - {name: \"a;b\", port: x}\n";
  const std::string errors = RunCapture(
      ReplwatchBinary() + " check-config --config.file=" + bad + " 2>&1", &rc);
  CHECK(rc == 1);
  CHECK(errors.find(bad + ":2:11: 'jitter' must be a duration") !=
        std::string::npos);
  CHECK(errors.find(bad + ":6:16: node name 'a;b' is not a valid PVE node "
                          "name") != std::string::npos);
  CHECK(errors.find(bad + ":6:29: 'port' must be an integer, not 'x'") !=
        std::string::npos);
}

TEST_CASE("a diagnose usage error exits UNKNOWN (3), others 2", "[e2e]") {
  int rc = -1;
  const std::string usage =
      RunCapture(ReplwatchBinary() + " diagnose --bogus=1 2>&1", &rc);
  CHECK(rc == 3);
  CHECK(usage.find("unknown flag --bogus") != std::string::npos);
  RunCapture(ReplwatchBinary() + " once --bogus=1 2>&1", &rc);
  CHECK(rc == 2);
}

TEST_CASE("the shipped example configs are accepted", "[e2e]") {
  int rc = -1;
  const std::string source = REPLWATCH_SOURCE_DIR;
  RunCapture(ReplwatchBinary() + " check-config --config.file=" + source +
                 "/config/replwatch.local.yml 2>&1",
             &rc);
  CHECK(rc == 0);
  // The example names a key and a known_hosts file this machine lacks;
  // every other key it documents must be valid.
  const std::string problems =
      RunCapture(ReplwatchBinary() + " check-config --config.file=" + source +
                     "/config/replwatch.example.yml 2>&1",
                 &rc);
  CHECK(rc == 1);
  std::istringstream lines(problems);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    INFO(line);
    CHECK((line.find("/etc/replwatch/id_ed25519") != std::string::npos ||
           line.find("/etc/pve/priv/known_hosts") != std::string::npos));
  }
  CHECK(count > 0);
}

}  // namespace
}  // namespace replwatch::testing

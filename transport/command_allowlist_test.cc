#include <set>

#include "testing/catch.h"
#include "transport/remote_command.h"

namespace replwatch {
namespace {

TEST_CASE("every allow-listed command starts with a read-only program",
          "[allowlist]") {
  // The programs we accept on a node. None of them can change ZFS or PVE
  // state with the fixed arguments of the allow-list.
  const std::set<std::string> read_only = {
      "date",  "zfs", "zpool", "pveversion", "pvesh",
      "pvesr", "cat", "ip",    "ping",       "ssh"};
  // The sub-commands that only read, per program with sub-commands.
  const std::set<std::string> reading_subcommands = {"list", "get", "status",
                                                     "version"};
  for (const auto& id : AllowListedCommandIds()) {
    INFO(id);
    std::vector<std::string> args;
    if (id == "pvesh-replication") args = {"pve1"};
    if (id == "cat-replication-log") args = {"100-0"};
    if (id == "ping-path-mtu") args = {"1472", "198.18.0.12"};
    if (id == "ip-route-get") args = {"198.18.0.12"};
    if (id == "ssh-batch-check") args = {"pve2", "198.18.0.12"};
    if (id == "zfs-list-snapshots-of") args = {"rpool/data/vm-100-disk-0"};
    RemoteCommand command = [&] {
      switch (args.size()) {
        case 0:
          return MakeCommand(id);
        case 1:
          return MakeCommand(id, {args[0]});
        default:
          return MakeCommand(id, {args[0], args[1]});
      }
    }();
    const auto& argv = command.argv();
    CHECK(read_only.count(argv.front()) == 1);
    if (argv[0] == "zfs" || argv[0] == "zpool" || argv[0] == "pvesh" ||
        argv[0] == "pvesr") {
      CHECK(reading_subcommands.count(argv[1]) == 1);
    }
    if (argv[0] == "cat") {
      CHECK((argv[1].rfind("/etc/pve/", 0) == 0 ||
             argv[1].rfind("/var/log/pve/", 0) == 0));
    }
    if (argv[0] == "ip") {
      // Listing addresses and asking the kernel which route it would take.
      CHECK(
          (argv.back() == "addr" || (argv[2] == "route" && argv[3] == "get")));
    }
    if (argv[0] == "ssh") CHECK(argv.back() == "/bin/true");
  }
}

TEST_CASE("commands not on the allow-list are refused", "[allowlist]") {
  CHECK_THROWS_AS(MakeCommand("zfs-destroy"), CommandRejected);
  CHECK_THROWS_AS(MakeCommand("sh"), CommandRejected);
}

TEST_CASE("arguments are validated before use", "[allowlist]") {
  CHECK_NOTHROW(MakeCommand("pvesh-replication", {"pve-ksy"}));
  CHECK(MakeCommand("pvesh-replication", {"pve1"}).argv()[2] ==
        "/nodes/pve1/replication");
  CHECK_THROWS_AS(MakeCommand("pvesh-replication", {"pve1/../../x"}),
                  CommandRejected);
  CHECK_THROWS_AS(MakeCommand("pvesh-replication", {"pve1'; reboot; '"}),
                  CommandRejected);
  CHECK_THROWS_AS(MakeCommand("cat-replication-log", {"../../etc/shadow"}),
                  CommandRejected);
  CHECK_THROWS_AS(MakeCommand("cat-replication-log", {"100-0 /etc/shadow"}),
                  CommandRejected);
  CHECK_THROWS_AS(MakeCommand("ping-path-mtu", {"70000", "10.0.0.1"}),
                  CommandRejected);
  CHECK_THROWS_AS(MakeCommand("ssh-batch-check", {"pve2", "-oProxyCommand=x"}),
                  CommandRejected);
  CHECK_THROWS_AS(MakeCommand("pvesh-replication"), CommandRejected);
  CHECK_THROWS_AS(MakeCommand("pvesr-status", {"extra"}), CommandRejected);
}

TEST_CASE("the shell line quotes every word and pins the locale",
          "[allowlist]") {
  const RemoteCommand command = MakeCommand("pvesh-replication", {"pve1"});
  CHECK(command.ShellLine(std::chrono::seconds(31)) ==
        "LC_ALL=C exec timeout -k 5 31 'pvesh' 'get' "
        "'/nodes/pve1/replication' '--output-format' 'json'");
}

TEST_CASE("shell quoting neutralises metacharacters", "[allowlist]") {
  CHECK(ShellQuote("a b") == "'a b'");
  CHECK(ShellQuote("x';touch /tmp/p;'") == "'x'\\'';touch /tmp/p;'\\'''");
  CHECK(ShellQuote("$(reboot)`id`") == "'$(reboot)`id`'");
}

}  // namespace
}  // namespace replwatch

namespace replwatch {
namespace {

RemoteCommand Example(const std::string& id) {
  if (id == "pvesh-replication") return MakeCommand(id, {"pve1"});
  if (id == "cat-replication-log") return MakeCommand(id, {"100-0"});
  if (id == "ping-path-mtu") return MakeCommand(id, {"1472", "198.18.0.12"});
  if (id == "ip-route-get") return MakeCommand(id, {"fd00::12"});
  if (id == "ssh-batch-check") return MakeCommand(id, {"pve2", "198.18.0.12"});
  if (id == "zfs-list-snapshots-of") {
    return MakeCommand(id, {"rpool/data/vm-100-disk-0", "tank/a b"});
  }
  return MakeCommand(id);
}

TEST_CASE("every shell line parses back and matches its allow-list entry",
          "[forced]") {
  for (const auto& id : AllowListedCommandIds()) {
    INFO(id);
    const RemoteCommand command = Example(id);
    const auto parsed =
        ParseShellLine(command.ShellLine(std::chrono::seconds(31)));
    REQUIRE(parsed);
    CHECK(parsed->timeout == std::chrono::seconds(31));
    CHECK(parsed->argv == command.argv());
    const auto matched = MatchAllowListed(parsed->argv);
    REQUIRE(matched);
    CHECK(matched->id() == id);
  }
}

TEST_CASE("ip route get takes an IP address, nothing else", "[allowlist]") {
  CHECK(MakeCommand("ip-route-get", {"198.18.0.12"}).argv().back() ==
        "198.18.0.12");
  for (const char* refused :
       {"pve2.lab.local", "-batch", "198.18.0.12 dev eth0", "10.0.0.0/8", ""}) {
    INFO(refused);
    CHECK_THROWS_AS(MakeCommand("ip-route-get", {refused}), CommandRejected);
  }
}

TEST_CASE("a dataset list takes 1 to 256 valid names", "[allowlist]") {
  std::vector<std::string> datasets;
  for (std::size_t i = 0; i < kMaxDatasetsPerCommand; ++i) {
    datasets.push_back("rpool/data/vm-" + std::to_string(100 + i) + "-disk-0");
  }
  const RemoteCommand full = MakeCommand("zfs-list-snapshots-of", datasets);
  CHECK(full.argv().size() == 11 + kMaxDatasetsPerCommand);
  CHECK(full.argv()[9] == "-d");
  CHECK(full.argv().back() == datasets.back());
  CHECK(MatchAllowListed(full.argv()));

  datasets.push_back("rpool/data/vm-999-disk-0");
  CHECK_THROWS_AS(MakeCommand("zfs-list-snapshots-of", datasets),
                  CommandRejected);
  std::vector<std::string> too_long = full.argv();
  too_long.push_back("rpool/one-more");
  CHECK_FALSE(MatchAllowListed(too_long));

  CHECK_THROWS_AS(MakeCommand("zfs-list-snapshots-of", {}), CommandRejected);
  for (const char* refused : {"-r", "rpool/a@snap", "rpool/$(reboot)",
                              "rpool/../x", "rpool/a;reboot"}) {
    INFO(refused);
    CHECK_THROWS_AS(MakeCommand("zfs-list-snapshots-of", {"rpool/a", refused}),
                    CommandRejected);
    std::vector<std::string> argv =
        MakeCommand("zfs-list-snapshots-of", {"rpool/a"}).argv();
    argv.push_back(refused);
    CHECK_FALSE(MatchAllowListed(argv));
  }
}

TEST_CASE("a forced command refuses everything else", "[forced]") {
  // Not our shape: extra shell syntax, unquoted words, no timeout.
  CHECK_FALSE(
      ParseShellLine("LC_ALL=C exec timeout -k 5 31 'date' '+%s.%N'; "
                     "rm -rf /"));
  CHECK_FALSE(ParseShellLine("LC_ALL=C exec timeout -k 5 31 date"));
  CHECK_FALSE(ParseShellLine("zfs destroy rpool"));
  CHECK_FALSE(ParseShellLine("LC_ALL=C exec timeout -k 5 31 'date"));
  CHECK_FALSE(ParseShellLine("LC_ALL=C exec timeout -k 5 31"));
  // Our shape, but not on the allow-list or with an invalid argument.
  CHECK_FALSE(MatchAllowListed({"zfs", "destroy", "-r", "rpool"}));
  CHECK_FALSE(MatchAllowListed({"cat", "/etc/shadow"}));
  CHECK_FALSE(MatchAllowListed({"cat", "/var/log/pve/replicate/../../x"}));
  CHECK_FALSE(MatchAllowListed({"pvesh", "get", "/nodes/x;reboot/replication",
                                "--output-format", "json"}));
  CHECK_FALSE(MatchAllowListed({"date", "+%s.%N", "--set=2000-01-01"}));
  // Quotes inside a word survive the round trip as data.
  const auto quoted =
      ParseShellLine("LC_ALL=C exec timeout -k 5 9 'cat' 'a'\\''b'");
  REQUIRE(quoted);
  CHECK(quoted->argv[1] == "a'b");
}

}  // namespace
}  // namespace replwatch

#include <set>

#include "testing/catch.h"
#include "transport/remote_command.h"

namespace replwatch {
namespace {

// Command `id` with valid example arguments.
RemoteCommand Example(CommandId id) {
  if (id == CommandId::kCatReplicationLog) return MakeCommand(id, {"100-0"});
  if (id == CommandId::kCatProcStat) return MakeCommand(id, {"4242"});
  if (id == CommandId::kGrepVmConfigs || id == CommandId::kGrepCtConfigs) {
    return MakeCommand(id, {"100", "101"});
  }
  if (id == CommandId::kPingPathMtu)
    return MakeCommand(id, {"1472", "198.18.0.12"});
  if (id == CommandId::kIpRouteGet) return MakeCommand(id, {"fd00::12"});
  if (id == CommandId::kSshBatchCheck)
    return MakeCommand(id, {"pve2", "198.18.0.12"});
  if (id == CommandId::kCatLinkSpeed) return MakeCommand(id, {"bond0.20"});
  if (id == CommandId::kZfsListSnapshotsOf) {
    return MakeCommand(id, {"rpool/data/vm-100-disk-0", "tank/a b"});
  }
  return MakeCommand(id);
}

TEST_CASE("every allow-listed command starts with a read-only program",
          "[allowlist]") {
  // The programs we accept on a node. None of them can change ZFS or PVE
  // state with the fixed arguments of the allow-list.
  const std::set<std::string> read_only = {
      "date", "zfs", "zpool", "pveversion", "cat",
      "grep", "ip",  "ping",  "ssh",        "ls"};
  // The sub-commands that only read, per program with sub-commands.
  const std::set<std::string> reading_subcommands = {"list", "get", "status",
                                                     "version"};
  for (const CommandId id : AllowListedCommands()) {
    INFO(CommandName(id));
    const RemoteCommand command = Example(id);
    const auto& argv = command.argv();
    CHECK(read_only.count(argv.front()) == 1);
    if (argv[0] == "zfs" || argv[0] == "zpool") {
      CHECK(reading_subcommands.count(argv[1]) == 1);
    }
    if (argv[0] == "cat") {
      CHECK((argv[1].rfind("/etc/pve/", 0) == 0 ||
             argv[1].rfind("/var/log/pve/", 0) == 0 ||
             argv[1] == "/var/lib/pve-manager/pve-replication-state.json" ||
             argv[1] == "/proc/4242/stat" ||
             argv[1] == "/etc/cron.d/zfsutils-linux" ||
             argv[1] == "/sys/class/net/bond0.20/speed"));
    }
    if (argv[0] == "ip") {
      // Listing addresses and asking the kernel which route it would take.
      CHECK(
          (argv.back() == "addr" || (argv[2] == "route" && argv[3] == "get")));
    }
    if (argv[0] == "grep") {
      // Prints the lines of PVE guest configs: no pattern that could match
      // less, no option that writes.
      CHECK(argv[1] == "-H");
      CHECK(argv[2] == "^");
      CHECK(argv[3].rfind("/etc/pve/local/", 0) == 0);
    }
    if (argv[0] == "ssh") CHECK(argv.back() == "/bin/true");
    if (argv[0] == "ls") CHECK(argv.size() == 3);  // one fixed directory
    if (argv[0] == "date") CHECK(argv[1].front() == '+');  // a format only
  }
}

TEST_CASE("every command id has one allow-list entry of its own name",
          "[allowlist]") {
  const std::vector<CommandId> all = AllowListedCommands();
  REQUIRE(all.size() ==
          static_cast<std::size_t>(CommandId::kSshBatchCheck) + 1);
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i] == static_cast<CommandId>(i));  // the table is in enum order
    names.insert(CommandName(all[i]));
  }
  CHECK(names.size() == all.size());
  CHECK(CommandName(CommandId::kZpoolStatus) == "zpool-status");
}

TEST_CASE("arguments are validated before use", "[allowlist]") {
  CHECK_NOTHROW(
      MakeCommand(CommandId::kSshBatchCheck, {"pve-ksy", "198.18.0.12"}));
  CHECK(MakeCommand(CommandId::kSshBatchCheck, {"pve2", "198.18.0.12"})
            .argv()[6] == "HostKeyAlias=pve2");
  CHECK_THROWS_AS(
      MakeCommand(CommandId::kSshBatchCheck, {"pve1/../../x", "198.18.0.12"}),
      CommandRejected);
  CHECK_THROWS_AS(MakeCommand(CommandId::kSshBatchCheck,
                              {"pve1'; reboot; '", "198.18.0.12"}),
                  CommandRejected);
  CHECK(MakeCommand(CommandId::kCatProcStat, {"4194304"}).argv()[1] ==
        "/proc/4194304/stat");
  for (const char* pid :
       {"0", "042", "4194305", "12345678", "self", "1/..", "-1", ""}) {
    INFO(pid);
    CHECK_THROWS_AS(MakeCommand(CommandId::kCatProcStat, {pid}),
                    CommandRejected);
  }
  CHECK_THROWS_AS(
      MakeCommand(CommandId::kCatReplicationLog, {"../../etc/shadow"}),
      CommandRejected);
  CHECK_THROWS_AS(
      MakeCommand(CommandId::kCatReplicationLog, {"100-0 /etc/shadow"}),
      CommandRejected);
  CHECK_THROWS_AS(MakeCommand(CommandId::kPingPathMtu, {"70000", "10.0.0.1"}),
                  CommandRejected);
  CHECK_THROWS_AS(
      MakeCommand(CommandId::kSshBatchCheck, {"pve2", "-oProxyCommand=x"}),
      CommandRejected);
  CHECK_THROWS_AS(MakeCommand(CommandId::kCatProcStat), CommandRejected);
  CHECK_THROWS_AS(MakeCommand(CommandId::kCatVmlist, {"extra"}),
                  CommandRejected);
}

TEST_CASE("the shell line quotes every word and pins the locale",
          "[allowlist]") {
  const RemoteCommand command =
      MakeCommand(CommandId::kCatReplicationLog, {"100-0"});
  CHECK(command.ShellLine(std::chrono::seconds(31)) ==
        "LC_ALL=C exec timeout -k 5 31 'cat' '/var/log/pve/replicate/100-0'");
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

TEST_CASE("every shell line parses back and matches its allow-list entry",
          "[forced]") {
  for (const CommandId id : AllowListedCommands()) {
    INFO(CommandName(id));
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

TEST_CASE("a link speed is read for an interface name only", "[allowlist]") {
  CHECK(MakeCommand(CommandId::kCatLinkSpeed, {"vmbr0"}).argv().back() ==
        "/sys/class/net/vmbr0/speed");
  for (const char* bad : {"..", "../../etc", "vmbr0/../x", "a b", ""}) {
    INFO(bad);
    CHECK_THROWS_AS(MakeCommand(CommandId::kCatLinkSpeed, {bad}),
                    CommandRejected);
  }
}

TEST_CASE("ip route get takes an IP address, nothing else", "[allowlist]") {
  CHECK(MakeCommand(CommandId::kIpRouteGet, {"198.18.0.12"}).argv().back() ==
        "198.18.0.12");
  for (const char* refused :
       {"pve2.lab.local", "-batch", "198.18.0.12 dev eth0", "10.0.0.0/8", ""}) {
    INFO(refused);
    CHECK_THROWS_AS(MakeCommand(CommandId::kIpRouteGet, {refused}),
                    CommandRejected);
  }
}

TEST_CASE("a dataset list takes 1 to 256 valid names", "[allowlist]") {
  std::vector<std::string> datasets;
  for (std::size_t i = 0; i < kMaxDatasetsPerCommand; ++i) {
    datasets.push_back("rpool/data/vm-" + std::to_string(100 + i) + "-disk-0");
  }
  const RemoteCommand full =
      MakeCommand(CommandId::kZfsListSnapshotsOf, datasets);
  CHECK(full.argv().size() == 11 + kMaxDatasetsPerCommand);
  CHECK(full.argv()[9] == "-d");
  CHECK(full.argv().back() == datasets.back());
  CHECK(MatchAllowListed(full.argv()));

  datasets.push_back("rpool/data/vm-999-disk-0");
  CHECK_THROWS_AS(MakeCommand(CommandId::kZfsListSnapshotsOf, datasets),
                  CommandRejected);
  std::vector<std::string> too_long = full.argv();
  too_long.push_back("rpool/one-more");
  CHECK_FALSE(MatchAllowListed(too_long));

  CHECK_THROWS_AS(MakeCommand(CommandId::kZfsListSnapshotsOf, {}),
                  CommandRejected);
  for (const char* refused : {"-r", "rpool/a@snap", "rpool/$(reboot)",
                              "rpool/../x", "rpool/a;reboot"}) {
    INFO(refused);
    CHECK_THROWS_AS(
        MakeCommand(CommandId::kZfsListSnapshotsOf, {"rpool/a", refused}),
        CommandRejected);
    std::vector<std::string> argv =
        MakeCommand(CommandId::kZfsListSnapshotsOf, {"rpool/a"}).argv();
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
  CHECK_FALSE(MatchAllowListed({"cat", "/proc/1;reboot/stat"}));
  // What replwatch no longer runs: job_status() writes replication.cfg.
  CHECK_FALSE(MatchAllowListed(
      {"pvesh", "get", "/nodes/pve1/replication", "--output-format", "json"}));
  CHECK_FALSE(MatchAllowListed({"pvesr", "status"}));
  CHECK_FALSE(MatchAllowListed({"date", "+%s.%N", "--set=2000-01-01"}));
  // Quotes inside a word survive the round trip as data.
  const auto quoted =
      ParseShellLine("LC_ALL=C exec timeout -k 5 9 'cat' 'a'\\''b'");
  REQUIRE(quoted);
  CHECK(quoted->argv[1] == "a'b");
}

}  // namespace
}  // namespace replwatch

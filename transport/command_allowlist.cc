// The allow-list: every command replwatch may run on a node. All of them only
// read state. Placeholders are validated, never escaped into shape: a value
// that does not match its rule is refused.

#include <cctype>
#include <stdexcept>
#include <string>

#include "text/name_rules.h"
#include "transport/remote_command.h"

namespace replwatch {
namespace {

enum class Arg {
  kNone,
  kNodeName,      // PVE node name: /nodes/<node>/...
  kJobId,         // <vmid>-<jobnum>
  kHostAddress,   // IP literal or DNS name
  kIpAddress,     // IPv4 or IPv6 literal
  kPayloadBytes,  // ping payload size, 1..65507
  kDatasets,      // one or more ZFS filesystem/volume names (last word only)
  kInterface,     // a network interface name, as the kernel allows it
  kProcessId,     // a pid: decimal, 1..4194304 (the kernel's PID_MAX_LIMIT)
  kGuestIds,      // one or more VMIDs, 100..999999999 (last word only)
};

struct Word {
  const char* literal;  // nullptr = placeholder
  Arg arg;
  const char* prefix;  // put around the placeholder value
  const char* suffix;
};

constexpr Word L(const char* text) { return {text, Arg::kNone, "", ""}; }
constexpr Word P(Arg arg, const char* prefix = "", const char* suffix = "") {
  return {nullptr, arg, prefix, suffix};
}

struct Entry {
  CommandId id;
  const char* name;
  std::initializer_list<Word> words;
};

const Entry kAllowList[] = {
    {CommandId::kDate, "date", {L("date"), L("+%s.%N")}},
    {CommandId::kZfsVersion, "zfs-version", {L("zfs"), L("version")}},
    {CommandId::kPveversion, "pveversion", {L("pveversion")}},
    {CommandId::kPveversionVerbose,
     "pveversion-verbose",
     {L("pveversion"), L("-v")}},
    {CommandId::kZpoolList,
     "zpool-list",
     {L("zpool"), L("list"), L("-Hp"), L("-o"),
      L("name,size,alloc,free,cap,frag,health")}},
    {CommandId::kZpoolStatus,
     "zpool-status",
     {L("zpool"), L("status"), L("-p")}},
    {CommandId::kZpoolStatusJson,
     "zpool-status-json",
     {L("zpool"), L("status"), L("-j"), L("--json-int")}},
    {CommandId::kZpoolGetAll,
     "zpool-get-all",
     {L("zpool"), L("get"), L("-Hp"), L("-o"), L("name,property,value"),
      L("all")}},
    {CommandId::kZfsListSnapshots,
     "zfs-list-snapshots",
     {L("zfs"), L("list"), L("-Hp"), L("-t"), L("snapshot"), L("-o"),
      L("name,guid,createtxg,creation"), L("-s"), L("createtxg")}},
    // Which datasets' snapshots changed (OpenZFS >= 2.2): the incremental
    // snapshot inventory lists only those (collectors/snapshot_changes.h).
    {CommandId::kZfsListSnapshotsChanged,
     "zfs-list-snapshots-changed",
     {L("zfs"), L("list"), L("-Hp"), L("-t"), L("filesystem,volume"), L("-o"),
      L("name,snapshots_changed")}},
    // -d 1 on a filesystem or volume lists its own snapshots, not its
    // children's.
    {CommandId::kZfsListSnapshotsOf,
     "zfs-list-snapshots-of",
     {L("zfs"), L("list"), L("-Hp"), L("-t"), L("snapshot"), L("-o"),
      L("name,guid,createtxg,creation"), L("-s"), L("createtxg"), L("-d"),
      L("1"), P(Arg::kDatasets)}},
    // `zfs list -o` rather than `zfs get`: the same values, each dataset's
    // name once rather than once per property (a third of the bytes).
    {CommandId::kZfsListReplicationProps,
     "zfs-list-replication-props",
     {L("zfs"), L("list"), L("-Hp"), L("-t"), L("filesystem,volume"), L("-o"),
      L("name,type,available,used,quota,refquota,reservation,refreservation,"
        "volsize,written,receive_resume_token,keystatus,encryption,guid,"
        "encryptionroot")}},
    // A node's replication jobs, as pvesr's job_status() works them out from
    // the job config, the cluster's guest list and the node's run state; not
    // by running it: job_status() writes replication.cfg (collectors/
    // job_status.h).
    {CommandId::kCatReplicationCfg,
     "cat-replication-cfg",
     {L("cat"), L("/etc/pve/replication.cfg")}},
    {CommandId::kCatVmlist, "cat-vmlist", {L("cat"), L("/etc/pve/.vmlist")}},
    {CommandId::kCatReplicationState,
     "cat-replication-state",
     {L("cat"), L("/var/lib/pve-manager/pve-replication-state.json")}},
    // Whether the run a job's state names still goes on (pid and start).
    {CommandId::kCatProcStat,
     "cat-proc-stat",
     {L("cat"), P(Arg::kProcessId, "/proc/", "/stat")}},
    // The replicated guests' configs, every line after its file's name
    // (one command for all of them), and the storages their disks are on.
    {CommandId::kGrepVmConfigs,
     "grep-vm-configs",
     {L("grep"), L("-H"), L("^"),
      P(Arg::kGuestIds, "/etc/pve/local/qemu-server/", ".conf")}},
    {CommandId::kGrepCtConfigs,
     "grep-ct-configs",
     {L("grep"), L("-H"), L("^"),
      P(Arg::kGuestIds, "/etc/pve/local/lxc/", ".conf")}},
    {CommandId::kCatStorageCfg,
     "cat-storage-cfg",
     {L("cat"), L("/etc/pve/storage.cfg")}},
    // Where HA may recover a guest (PVE 8 groups, PVE 9 rules).
    {CommandId::kCatHaResources,
     "cat-ha-resources",
     {L("cat"), L("/etc/pve/ha/resources.cfg")}},
    {CommandId::kCatHaGroups,
     "cat-ha-groups",
     {L("cat"), L("/etc/pve/ha/groups.cfg")}},
    {CommandId::kCatHaRules,
     "cat-ha-rules",
     {L("cat"), L("/etc/pve/ha/rules.cfg")}},
    {CommandId::kCatMembers, "cat-members", {L("cat"), L("/etc/pve/.members")}},
    {CommandId::kCatDatacenterCfg,
     "cat-datacenter-cfg",
     {L("cat"), L("/etc/pve/datacenter.cfg")}},
    // What replication contends with: backup jobs, running tasks (backups
    // among them) and the node's own scrub schedules.
    {CommandId::kCatJobsCfg,
     "cat-jobs-cfg",
     {L("cat"), L("/etc/pve/jobs.cfg")}},
    {CommandId::kCatActiveTasks,
     "cat-active-tasks",
     {L("cat"), L("/var/log/pve/tasks/active")}},
    {CommandId::kCatZfsutilsCron,
     "cat-zfsutils-cron",
     {L("cat"), L("/etc/cron.d/zfsutils-linux")}},
    {CommandId::kLsEnabledTimers,
     "ls-enabled-timers",
     {L("ls"), L("-1"), L("/etc/systemd/system/timers.target.wants")}},
    {CommandId::kDateUtcOffset, "date-utc-offset", {L("date"), L("+%z")}},
    {CommandId::kCatLinkSpeed,
     "cat-link-speed",
     {L("cat"), P(Arg::kInterface, "/sys/class/net/", "/speed")}},
    {CommandId::kCatReplicationLog,
     "cat-replication-log",
     {L("cat"), P(Arg::kJobId, "/var/log/pve/replicate/")}},
    // -s twice: only then does iproute2 print carrier_changes.
    {CommandId::kIpAddrStats,
     "ip-addr-stats",
     {L("ip"), L("-j"), L("-s"), L("-s"), L("-d"), L("addr")}},
    {CommandId::kIpRouteGet,
     "ip-route-get",
     {L("ip"), L("-j"), L("route"), L("get"), P(Arg::kIpAddress)}},
    {CommandId::kPingPathMtu,
     "ping-path-mtu",
     {L("ping"), L("-n"), L("-q"), L("-c"), L("1"), L("-W"), L("2"), L("-M"),
      L("do"), L("-s"), P(Arg::kPayloadBytes), P(Arg::kHostAddress)}},
    {CommandId::kSshBatchCheck,
     "ssh-batch-check",
     {L("ssh"), L("-o"), L("BatchMode=yes"), L("-o"), L("ConnectTimeout=5"),
      L("-o"), P(Arg::kNodeName, "HostKeyAlias="), L("-e"), L("none"),
      P(Arg::kHostAddress, "root@"), L("--"), L("/bin/true")}},
};

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool Valid(Arg kind, const std::string& value) {
  switch (kind) {
    case Arg::kNone:
      return false;
    case Arg::kNodeName:
      return text::IsValidNodeName(value);
    case Arg::kJobId: {
      const auto dash = value.find('-');
      return dash != std::string::npos && value.size() < 24 &&
             AllDigits(value.substr(0, dash)) &&
             AllDigits(value.substr(dash + 1));
    }
    case Arg::kHostAddress:
      return text::IsValidHostAddress(value) && value.front() != '-';
    case Arg::kIpAddress:
      return text::IsIpLiteral(value);
    case Arg::kPayloadBytes:
      return AllDigits(value) && value.size() <= 5 && std::stoi(value) >= 1 &&
             std::stoi(value) <= 65507;
    case Arg::kDatasets:
      return text::IsValidZfsDatasetName(value);
    case Arg::kInterface:
      return text::IsValidInterfaceName(value);
    case Arg::kProcessId:
      return AllDigits(value) && value.size() <= 7 && value.front() != '0' &&
             std::stol(value) <= 4194304;
    case Arg::kGuestIds:
      return AllDigits(value) && value.size() >= 3 && value.size() <= 9 &&
             value.front() != '0';
  }
  return false;
}

// A kDatasets or kGuestIds word takes every argument left, at least one
// and at most kMaxDatasetsPerCommand: the line stays far below the kernel's
// 128 KiB limit on one argument (the remote shell gets the line as one).
bool Repeats(const Word& word) {
  return word.literal == nullptr &&
         (word.arg == Arg::kDatasets || word.arg == Arg::kGuestIds);
}

// Every CommandId has its entry: command_allowlist_test makes each one.
const Entry& EntryOf(CommandId id) {
  for (const Entry& entry : kAllowList) {
    if (entry.id == id) return entry;
  }
  throw std::logic_error("command id " + std::to_string(static_cast<int>(id)) +
                         " has no allow-list entry");
}

}  // namespace

std::string_view CommandName(CommandId id) { return EntryOf(id).name; }

RemoteCommand MakeCommand(CommandId id,
                          std::initializer_list<std::string> args) {
  return MakeCommand(id, std::vector<std::string>(args));
}

RemoteCommand MakeCommand(CommandId id, const std::vector<std::string>& args) {
  const Entry& entry = EntryOf(id);
  const std::string name = entry.name;
  std::vector<std::string> argv;
  auto next = args.begin();
  for (const Word& word : entry.words) {
    if (word.literal != nullptr) {
      argv.emplace_back(word.literal);
      continue;
    }
    const auto count = Repeats(word) ? args.end() - next : 1;
    if (next == args.end()) {
      throw CommandRejected("command '" + name + "' needs more arguments");
    }
    if (count > static_cast<long>(kMaxDatasetsPerCommand)) {
      throw CommandRejected("command '" + name + "' got " +
                            std::to_string(count) +
                            " datasets, more than the limit of " +
                            std::to_string(kMaxDatasetsPerCommand));
    }
    for (long i = 0; i < count; ++i) {
      if (!Valid(word.arg, *next)) {
        throw CommandRejected("command '" + name + "': refusing argument '" +
                              *next + "'");
      }
      argv.push_back(word.prefix + *next++ + word.suffix);
    }
  }
  if (next != args.end()) {
    throw CommandRejected("command '" + name + "' got too many arguments");
  }
  return RemoteCommand(entry.id, std::move(argv));
}

std::optional<RemoteCommand> MatchAllowListed(
    const std::vector<std::string>& argv) {
  for (const Entry& entry : kAllowList) {
    const bool repeats = Repeats(*(entry.words.end() - 1));
    const std::size_t words = entry.words.size();
    const bool size_fits =
        repeats ? argv.size() >= words &&
                      argv.size() - words < kMaxDatasetsPerCommand
                : argv.size() == words;
    if (!size_fits) continue;
    bool match = true;
    auto word = entry.words.begin();
    for (const std::string& given : argv) {
      // The repeated last word matches every argument left.
      const Word& want = word == entry.words.end() - 1 ? *word : *word++;
      if (want.literal != nullptr) {
        match = match && given == want.literal;
        continue;
      }
      const std::string prefix = want.prefix;
      const std::string suffix = want.suffix;
      match = match && given.size() >= prefix.size() + suffix.size() &&
              given.compare(0, prefix.size(), prefix) == 0 &&
              given.compare(given.size() - suffix.size(), suffix.size(),
                            suffix) == 0 &&
              Valid(want.arg,
                    given.substr(prefix.size(),
                                 given.size() - prefix.size() - suffix.size()));
    }
    if (match) return RemoteCommand(entry.id, argv);
  }
  return std::nullopt;
}

std::optional<ParsedShellLine> ParseShellLine(std::string_view line) {
  constexpr std::string_view kHead = "LC_ALL=C exec timeout -k 5 ";
  if (line.substr(0, kHead.size()) != kHead) return std::nullopt;
  line.remove_prefix(kHead.size());
  ParsedShellLine parsed;
  std::size_t digits = 0;
  long seconds = 0;
  while (digits < line.size() && digits < 6 &&
         std::isdigit(static_cast<unsigned char>(line[digits]))) {
    seconds = seconds * 10 + (line[digits++] - '0');
  }
  if (digits == 0) return std::nullopt;
  parsed.timeout = std::chrono::seconds(seconds);
  line.remove_prefix(digits);
  // Each word: a space, then '...' where a quote inside is written '\''.
  while (!line.empty()) {
    if (line.substr(0, 2) != " '") return std::nullopt;
    line.remove_prefix(2);
    std::string word;
    for (;;) {
      const auto quote = line.find('\'');
      if (quote == std::string_view::npos) return std::nullopt;
      word.append(line.substr(0, quote));
      line.remove_prefix(quote + 1);
      if (line.substr(0, 3) != "\\''") break;
      word += '\'';
      line.remove_prefix(3);
    }
    parsed.argv.push_back(std::move(word));
  }
  if (parsed.argv.empty()) return std::nullopt;
  return parsed;
}

std::vector<CommandId> AllowListedCommands() {
  std::vector<CommandId> ids;
  for (const Entry& entry : kAllowList) ids.push_back(entry.id);
  return ids;
}

std::string ShellQuote(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string RemoteCommand::ShellLine(
    std::chrono::seconds remote_timeout) const {
  std::string line =
      "LC_ALL=C exec timeout -k 5 " + std::to_string(remote_timeout.count());
  for (const auto& word : argv_) line += " " + ShellQuote(word);
  return line;
}

}  // namespace replwatch

#include "daemon/flags.h"

#include <algorithm>
#include <cstdlib>

#include "config/shard_assignment.h"

namespace replwatch {

std::optional<Flags> ParseFlags(const std::vector<std::string>& args,
                                std::string& error) {
  Flags flags;
  if (const char* dir = std::getenv("STATE_DIRECTORY")) {
    // systemd passes a colon-separated list; replwatch's unit names one.
    flags.state_directory =
        std::string(dir).substr(0, std::string(dir).find(':'));
  }
  bool mode_seen = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      flags.mode = Mode::kHelp;
      return flags;
    }
    if (arg == "--version") {
      flags.mode = Mode::kVersion;
      return flags;
    }
    if (arg.rfind("--", 0) != 0) {
      if (mode_seen) {
        error = "unexpected argument '" + arg + "'";
        return std::nullopt;
      }
      mode_seen = true;
      if (arg == "once") {
        flags.mode = Mode::kOnce;
      } else if (arg == "check-config") {
        flags.mode = Mode::kCheckConfig;
      } else if (arg == "diagnose") {
        flags.mode = Mode::kDiagnose;
      } else if (arg == "forced-command") {
        flags.mode = Mode::kForcedCommand;
      } else {
        error = "unknown command '" + arg +
                "' (expected once, check-config or diagnose)";
        return std::nullopt;
      }
      continue;
    }
    if (arg == "--pve.discover") {  // the one flag without a value
      flags.pve_discover = true;
      continue;
    }
    // --name=value or --name value
    std::string name = arg.substr(2);
    std::string value;
    const auto equals = name.find('=');
    if (equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      error = "flag --" + name + " needs a value";
      return std::nullopt;
    }
    if (name == "config.file") {
      flags.config_file = value;
      flags.config_file_given = true;
    } else if (name == "pve.discover") {
      error = "flag --pve.discover takes no value";
      return std::nullopt;
    } else if (name == "pve.dir") {
      flags.pve_dir = value;
    } else if (name == "pve.key-file") {
      flags.pve_key_file = value;
    } else if (name == "web.listen-address") {
      flags.listen_addresses.push_back(value);
    } else if (name == "web.telemetry-path") {
      if (value.empty() || value[0] != '/' || value == "/") {
        error = "--web.telemetry-path must start with / and not be /";
        return std::nullopt;
      }
      flags.telemetry_path = value;
    } else if (name == "web.config.file") {
      flags.web_config_file = value;
    } else if (name == "state.directory") {
      flags.state_directory = value;
    } else if (name == "job" && flags.mode == Mode::kDiagnose) {
      flags.job = value;
    } else if (name == "node" && flags.mode == Mode::kDiagnose) {
      flags.node = value;
    } else if (name == "guest" && flags.mode == Mode::kDiagnose) {
      if (value.size() < 3 || value.size() > 9 ||
          value.find_first_not_of("0123456789") != std::string::npos ||
          value[0] == '0') {
        error = "--guest must be a VMID (100 to 999999999)";
        return std::nullopt;
      }
      flags.guest = value;
    } else if (name == "output" && flags.mode == Mode::kDiagnose) {
      if (value != "text" && value != "json") {
        error = "--output must be text or json";
        return std::nullopt;
      }
      flags.json_output = value == "json";
    } else if (name == "log.level") {
      if (value != "debug" && value != "info" && value != "warn" &&
          value != "error") {
        error = "--log.level must be debug, info, warn or error";
        return std::nullopt;
      }
      flags.log_level = value;
    } else if (name == "shard") {
      std::string shard_error;
      flags.shard = ParseShardSpec(value, shard_error);
      if (!flags.shard) {
        error = "--shard: " + shard_error;
        return std::nullopt;
      }
    } else {
      error = "unknown flag --" + name;
      return std::nullopt;
    }
  }
  if (flags.listen_addresses.empty()) {
    flags.listen_addresses.push_back(kDefaultListenAddress);
  }
  return flags;
}

int UsageErrorStatus(const std::vector<std::string>& args) {
  return std::find(args.begin(), args.end(), "diagnose") != args.end() ? 3 : 2;
}

ConfigChoice ConfigChoiceOf(const Flags& flags) {
  const char* credentials_dir = std::getenv("CREDENTIALS_DIRECTORY");
  ConfigChoice choice;
  choice.config_file = flags.config_file;
  choice.config_file_given = flags.config_file_given;
  choice.discover = flags.pve_discover;
  choice.pve = {flags.pve_dir, flags.pve_key_file};
  if (credentials_dir != nullptr) choice.credentials_dir = credentials_dir;
  return choice;
}

std::string UsageText() {
  return R"(usage: replwatch [once | check-config | diagnose] [flags]

Watches Proxmox VE storage replication (pvesr, ZFS send/receive) across the
nodes of one or more clusters and exposes Prometheus metrics.

commands:
  (none)          run the daemon
  once            collect one cycle from every node, print the metrics, exit
  check-config    validate --config.file (or discovery, as the daemon
                  would run it) and --web.config.file if given; print
                  every problem as file:line:column: message (each cut
                  to 512 bytes) and exit 1 if there is any
  diagnose        collect one cycle and run the field guide's playbook on
                  every job: the last error and its class, the three
                  prerequisites (node-to-node ssh, healthy pools with
                  headroom, a common snapshot by GUID), and per volume a
                  verdict (healthy, Plan A repair, Plan B re-seed) with the
                  commands to run by hand; replwatch never runs them.
                  Exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
                  (Nagios/Icinga). Flags: --job=ID --node=NAME
                  --guest=VMID (also the DR drill: per target of the
                  guest, ready or not and why, the data a failover would
                  lose, what to check before starting it there)
                  --output=text|json
  forced-command  for a node's authorized_keys (command="... forced-command",
                  restrict): runs $SSH_ORIGINAL_COMMAND only if it is one of
                  replwatch's allow-listed read-only commands

flags:
  --config.file=PATH          config file (default /etc/replwatch/replwatch.yml;
                              without one, on a PVE cluster node, the cluster
                              is discovered from --pve.dir)
  --pve.discover              discover the PVE cluster even if a config file
                              exists (the file is then not read)
  --pve.dir=PATH              pmxcfs mount for discovery (default /etc/pve):
                              nodes from .members, known_hosts from priv/
  --pve.key-file=PATH         SSH key for discovery (default /root/.ssh/id_rsa)
                              (when $CREDENTIALS_DIRECTORY holds pve-members,
                              discovery reads the systemd credentials
                              pve-members, pve-known-hosts and pve-ssh-key
                              there instead: see pve-discovery.conf)
  --web.listen-address=ADDR   address to listen on, repeatable: host:port,
                              [v6addr]:port or :port (default :10130)
  --web.telemetry-path=PATH   path of the metrics (default /metrics)
  --web.config.file=PATH      TLS and basic auth (exporter-toolkit format)
  --log.level=LEVEL           debug, info, warn or error (default info)
  --state.directory=DIR       keep first sightings (resume tokens, jobs never
                              synced: the clocks of their alerts) in
                              DIR/first-sightings across restarts (default
                              $STATE_DIRECTORY, set by the unit's
                              StateDirectory=; none: memory only)
  --shard=I/N                 watch only the clusters that rendezvous hashing
                              of their names gives to shard I of N (0-based:
                              0/2 and 1/2 split a fleet in two); overrides
                              global.shard (default 0/1, everything)
  --version                   print the version and exit
  --help                      print this help and exit

signals: SIGHUP reloads the config (an invalid one is refused and the old
one kept; systemd credentials are a snapshot taken at service start, so in
discovery mode node or host key changes need a restart); SIGTERM and SIGINT
stop the daemon.
)";
}

}  // namespace replwatch

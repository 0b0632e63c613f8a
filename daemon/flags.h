#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/pve_discovery.h"

namespace replwatch {

/// What to do, from the command line.
enum class Mode {
  kDaemon,
  kOnce,
  kCheckConfig,
  kDiagnose,
  kForcedCommand,
  kVersion,
  kHelp
};

/// Command-line flags, named like every Prometheus exporter's.
struct Flags {
  Mode mode = Mode::kDaemon;
  std::string config_file = "/etc/replwatch/replwatch.yml";
  bool config_file_given = false;
  // Zero-config on a PVE node (used when there is no config file, or with
  // --pve.discover even when there is one).
  bool pve_discover = false;
  std::string pve_dir = "/etc/pve";
  std::string pve_key_file = "/root/.ssh/id_rsa";
  std::vector<std::string> listen_addresses;  // empty = default
  std::string telemetry_path = "/metrics";
  std::string web_config_file;  // empty = plain HTTP, no auth
  std::string log_level = "info";
  std::optional<ShardSpec> shard;  // --shard; overrides global.shard
  // Where first sightings are kept across restarts: --state.directory, else
  // $STATE_DIRECTORY (systemd's StateDirectory=); empty = memory only.
  std::string state_directory;
  // diagnose only
  std::string job;           // --job
  std::string node;          // --node
  std::string guest;         // --guest
  bool json_output = false;  // --output=json
};

/// The default port: 9100-9999 (the Prometheus exporter range) is fully
/// allocated on the default-port-allocations wiki, so replwatch uses 10130.
constexpr const char* kDefaultListenAddress = ":10130";

/// Parses argv. On a usage error returns nullopt and sets `error`.
std::optional<Flags> ParseFlags(const std::vector<std::string>& args,
                                std::string& error);

/// The exit status for a usage error: 3 (UNKNOWN) when the command line names
/// diagnose, whose exit codes are a Nagios check's states (2 would read as
/// CRITICAL), else 2. Any word counts, as the error may come before it.
int UsageErrorStatus(const std::vector<std::string>& args);

/// How the config is chosen: the flags, plus $CREDENTIALS_DIRECTORY (set by
/// systemd for a unit with LoadCredential=).
ConfigChoice ConfigChoiceOf(const Flags& flags);

/// The --help text.
std::string UsageText();

}  // namespace replwatch

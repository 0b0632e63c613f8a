#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One `local: <vmid>-<jobnum>` section of /etc/pve/replication.cfg.
struct ReplicationJobConfig {
  std::string id;  // normalised "<guest>-<jobnum>"
  std::uint64_t guest = 0;
  std::uint64_t jobnum = 0;
  std::string type;  // section type, "local"
  std::string target;
  std::optional<std::string> schedule;  // unset means PVE's "*/15"
  std::optional<double> rate_mbps;
  std::string comment;  // URI-unescaped
  bool disabled = false;
  std::string remove_job;
  std::string source;
  std::map<std::string, std::string> unknown_options;
  std::size_t line = 0;  // header line
};

struct ReplicationConfig {
  std::vector<ReplicationJobConfig> jobs;
  text::ParseWarnings warnings;
};

/// Parses the SectionConfig file best-effort, like PVE itself: bad headers or
/// option lines, unknown keys, duplicate ids and a second job for the same
/// (guest, target) pair become warnings. Throws text::ParseError only on NUL
/// bytes.
ReplicationConfig ParseReplicationConfig(std::string_view text);

/// Splits "<guest>-<jobnum>" (both decimal); nullopt if malformed.
std::optional<std::pair<std::uint64_t, std::uint64_t>> ParseReplicationJobId(
    std::string_view id);

/// Decodes PVE's `encode_text` (%XX escapes). Malformed escapes are kept
/// literally.
std::string DecodeUriEscapes(std::string_view text);

}  // namespace replwatch::parsers

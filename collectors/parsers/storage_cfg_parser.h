#pragma once

#include <map>
#include <string>
#include <string_view>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One storage of /etc/pve/storage.cfg, as far as replication cares.
struct StorageDefinition {
  std::string type;  // "zfspool", "lvmthin", "dir", "nfs", ...
  /// Reachable from every node: `shared 1`, or a type PVE always treats as
  /// shared (pve-storage Storage.pm @SHARED_STORAGE).
  bool shared = false;
  /// zfspool: the dataset its volumes live under (`pool rpool/data`).
  std::string pool;
};

/// Parses the SectionConfig file best-effort (ParseSectionConfig): a
/// malformed header is a warning. Throws text::ParseError only on NUL bytes.
std::map<std::string, StorageDefinition> ParseStorageConfig(
    std::string_view text, text::ParseWarnings* warnings);

}  // namespace replwatch::parsers

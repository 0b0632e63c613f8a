#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One task of a node's /var/log/pve/tasks/active, its UPID decoded
/// (`UPID:node:PID:PSTART:STARTTIME:type:id:user:`, pve-common PVE/UPID.pm).
struct PveTask {
  std::string node;
  std::uint64_t pid = 0;
  std::int64_t start = 0;  // epoch seconds
  std::string type;        // "vzdump", "qmigrate", ...
  std::string id;          // a vzdump of one guest: its id; else empty
  std::string user;
  /// Set once the task has ended (`<UPID> 1 <ENDTIME> <status>`).
  std::optional<std::int64_t> end;
  std::string status;  // "OK", "WARNINGS: 2", an error text; running: ""
};

struct PveTaskList {
  std::vector<PveTask> tasks;
  text::ParseWarnings warnings;
};

/// Parses the file as pve-common's write_active_workers writes it: running
/// tasks as `<UPID> 0`, the last finished ones as `<UPID> 1 <END> <STATUS>`
/// (hex times). Lines that are not such become warnings. Throws
/// text::ParseError only on NUL bytes.
PveTaskList ParseActiveTasks(std::string_view text);

}  // namespace replwatch::parsers

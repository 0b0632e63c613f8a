#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace replwatch::parsers {

/// What /proc/<pid>/stat says of a process that PVE's check_process_running
/// (pve-common ProcFSTools.pm) looks at.
struct ProcessStat {
  char state = '?';              // field 3: R, S, D, Z, ...
  std::uint64_t start_time = 0;  // field 22: clock ticks after boot
};

/// Reads the line of process `pid` (proc(5)); the fields are counted after
/// the last ')', as the command name in parentheses may hold spaces and
/// parentheses. nullopt when the line is not that of `pid` or too short.
std::optional<ProcessStat> ParseProcStat(std::string_view text,
                                         std::int64_t pid);

}  // namespace replwatch::parsers

#pragma once

#include <string>

namespace replwatch {

/// Logs to stderr. Under systemd (JOURNAL_STREAM set) lines carry a
/// "<N>" syslog priority prefix and no timestamp, since journald adds its
/// own; elsewhere they carry a timestamp and a level name.
void SetUpLogging(const std::string& level);

}  // namespace replwatch

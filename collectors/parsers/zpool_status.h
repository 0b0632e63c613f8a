#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collectors/parsers/local_time.h"
#include "text/parse_error.h"

// Result types shared by the text and JSON `zpool status` parsers.
namespace replwatch::parsers {

enum class ScanKind { kNone, kScrub, kResilver, kErrorScrub };
enum class ScanState { kNone, kInProgress, kPaused, kFinished, kCanceled };

struct ScanStatus {
  ScanKind kind = ScanKind::kNone;
  ScanState state = ScanState::kNone;
  std::optional<double> progress_ratio;  // "% done" / 100; may exceed 1
  std::optional<std::uint64_t> errors;   // "with N errors" (finished scans)
  /// End of a finished/canceled scan as printed (node-local wall time);
  /// text output only.
  std::optional<LocalDateTime> end_time_local;
  /// End of a finished/canceled scan in epoch seconds (JSON output only).
  std::optional<std::int64_t> end_time_epoch;
  /// Start of a running scan: "in progress since <date>" (text, node-local
  /// wall time) or scan_stats' start_time (JSON, epoch).
  std::optional<LocalDateTime> start_time_local;
  std::optional<std::int64_t> start_time_epoch;
  /// How long a finished scan took: "repaired X in <duration> with" (text:
  /// `HH:MM:SS`, `N days HH:MM:SS`, or before 0.8 `XhYm`), end - start
  /// (JSON).
  std::optional<std::int64_t> duration_seconds;
};

enum class VdevGroup { kData, kDedup, kSpecial, kLogs, kCache, kSpares };

struct Vdev {
  std::string name;
  int depth = 0;  // 0 = pool root; 1 = top-level (also inside class groups)
  VdevGroup group = VdevGroup::kData;
  std::string state;  // text form: ONLINE DEGRADED FAULTED UNAVAIL AVAIL ...
  bool has_counters = false;  // spares and `zpool import` rows have none
  bool counters_approximate = false;  // nicenum with K/M/... suffix
  std::uint64_t read_errors = 0;
  std::uint64_t write_errors = 0;
  std::uint64_t checksum_errors = 0;
  std::string annotation;  // "was /dev/...", "too many errors", ...
};

struct PoolStatus {
  std::string name;
  std::string state;   // ONLINE DEGRADED FAULTED SUSPENDED UNAVAIL ...
  std::string status;  // status: text, continuation lines joined by '\n'
  std::string action;
  std::string msgid;  // "ZFS-8000-8A" from the see: URL
  /// The running scan if any, else the first one reported.
  ScanStatus scan;
  std::vector<Vdev> vdevs;
  /// Known data errors; nullopt if the output did not say (no errors: line,
  /// or only "List of errors unavailable").
  std::optional<std::uint64_t> data_errors;
  bool error_list_unavailable = false;
  std::vector<std::string> permanent_error_paths;
};

struct ZpoolStatus {
  std::vector<PoolStatus> pools;
  text::ParseWarnings warnings;
};

/// Text `zpool status [-p] [-v]` (all formats from Solaris to OpenZFS 2.4,
/// TAB- or space-indented). Best effort with warnings; throws text::ParseError
/// on NUL bytes or when the text contains no pool at all and is not one of
/// zpool's "no pools" messages.
ZpoolStatus ParseZpoolStatus(std::string_view text);

/// `zpool status -j [--json-int]` (OpenZFS 2.3+), nested vdev layout.
ZpoolStatus ParseZpoolStatusJson(std::string_view json);

/// Parses the text after "scan: " (or the legacy " scrub: "), continuation
/// lines joined with '\n'. Adds a warning for a value it cannot read.
ScanStatus ParseScanText(std::string_view text, bool errorscrub_prefix,
                         std::vector<std::string>* problems);

}  // namespace replwatch::parsers

#pragma once

#include <cstdint>
#include <optional>

#include "collectors/parsers/replication_log_parser.h"

namespace replwatch::parsers {

/// The bytes one successful replication run shipped, from its log. PVE
/// prints no byte count of its own: this is `zfs send -v`'s estimate, the
/// sum of one `total estimated size is <N>` per volume (zfs_nicenum() text,
/// so about 3 significant digits), or of the per-stream `full send of ...` /
/// `send from ... estimated size is <N>` lines where a volume's total is
/// missing. 0 when the run sent nothing; nullopt unless the log's run ended
/// successfully (a run still going, or one that failed, shipped an unknown
/// part of its estimate).
std::optional<std::uint64_t> EstimatedTransferBytes(const ReplicationLog& log);

}  // namespace replwatch::parsers

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "text/parse_error.h"
#include "transport/transport.h"

namespace replwatch {

/// Runs allow-listed command `id` (no arguments) and returns its stdout.
/// A non-zero exit status throws CollectorError naming the command, the
/// status and the first line of stderr (printable, cut short: it is remote
/// text and goes to the log only). Transport failures escape as they are.
std::string RunExpectingSuccess(Transport& transport, CommandId id);

/// The node's UTC offset in seconds now (`date +%z`): its schedules are in
/// its local time. Throws CollectorError when the output is not an offset.
std::int64_t ReadUtcOffset(Transport& transport);

/// Runs allow-listed command `id` that reads a file (its last word) a node may
/// rightly lack (no backup job yet, a node outside a cluster): its text;
/// "" when it does not exist; nullopt when reading it failed otherwise,
/// after adding a warning with the file's path, the status, stderr's first line
/// and what the collector does without it (`if_unreadable`).
std::optional<std::string> ReadOptionalFile(Transport& transport, CommandId id,
                                            std::string_view if_unreadable,
                                            text::ParseWarnings& warnings);

/// ReadOptionalFile for a file the collector cannot do without: "" when it
/// does not exist, and any other failure throws CollectorError with cat's
/// reason and `if_unreadable`.
std::string FileTextOrEmpty(Transport& transport, CommandId id,
                            std::string_view if_unreadable);

}  // namespace replwatch

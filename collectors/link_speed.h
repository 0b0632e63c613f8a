#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/nic.h"
#include "text/parse_error.h"
#include "transport/transport.h"

namespace replwatch {

/// The value of /sys/class/net/<if>/speed: Mbit/s, or nullopt for the
/// kernel's "unknown" (-1, a link that is down) and anything not a number.
std::optional<std::uint64_t> ParseLinkSpeedMbps(std::string_view text);

/// The speed replication can leave `interface` by, in Mbit/s: its own, or
/// for a bridge (which has none: reading it fails with EINVAL) the fastest
/// of its watched ports (a bond reports the sum of its active links).
/// nullopt when no speed is known; a failed read is a warning.
std::optional<std::uint64_t> ReadLinkSpeedMbps(Transport& transport,
                                               const NicFacts& nic,
                                               const std::string& interface,
                                               text::ParseWarnings* warnings);

}  // namespace replwatch

#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace replwatch::parsers {

/// `date +%s.%N` output -> seconds since the epoch; nullopt if malformed
/// (another locale's decimal comma, a human date, garbage).
std::optional<double> ParseEpochSeconds(std::string_view text);

/// "+0100" / "-0530" (`date +%z`) as seconds; nullopt for anything else.
std::optional<std::int64_t> ParseUtcOffset(std::string_view text);

}  // namespace replwatch::parsers

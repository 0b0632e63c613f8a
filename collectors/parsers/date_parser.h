#pragma once

#include <optional>
#include <string_view>

namespace replwatch::parsers {

/// `date +%s.%N` output -> seconds since the epoch; nullopt if malformed
/// (another locale's decimal comma, a human date, garbage).
std::optional<double> ParseEpochSeconds(std::string_view text);

}  // namespace replwatch::parsers

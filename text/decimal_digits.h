#pragma once

#include <cstdint>

namespace replwatch::text {

/// Reads the run of ASCII digits at `*cursor` (not past `end`) as an
/// unsigned 64-bit number and moves `*cursor` past it. False, with
/// `*cursor` unchanged, if the run is empty or its value does not fit.
/// Eight digits at a time: this reads every GUID of a million-snapshot
/// listing.
bool ConsumeDecimal(const char** cursor, const char* end, std::uint64_t* value);

}  // namespace replwatch::text

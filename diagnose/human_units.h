#pragma once

#include <cstdint>
#include <string>

namespace replwatch::diagnose {

/// A byte count as a person reads it: "170.8 MiB", binary units, one decimal.
std::string HumanBytes(std::uint64_t bytes);

/// An epoch as a person reads it, in UTC: "2026-12-06 16:30 UTC".
std::string HumanTime(double epoch_seconds);

/// A duration as a person reads it: "1 h 25 min", "12 min", "40 s".
std::string HumanDuration(double seconds);

}  // namespace replwatch::diagnose

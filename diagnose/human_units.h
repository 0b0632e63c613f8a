#pragma once

#include <cstdint>
#include <string>

namespace replwatch::diagnose {

/// A byte count as a person reads it: "170.8 MiB", binary units, one decimal.
std::string HumanBytes(std::uint64_t bytes);

}  // namespace replwatch::diagnose

#include "transport/command_output.h"

#include <algorithm>

namespace replwatch {
namespace {

constexpr std::size_t kGrowToLimitAt = 1 << 20;

}  // namespace

void AppendOutput(std::string& out, std::string_view chunk, std::size_t limit) {
  const std::size_t needed = out.size() + chunk.size();
  if (needed > out.capacity() && needed > kGrowToLimitAt) {
    // libstdc++'s reserve() rounds any growth up to twice the capacity; a
    // fresh string takes the capacity asked for.
    std::string grown;
    grown.reserve(std::max(needed, limit + chunk.size()));
    grown.append(out);
    out.swap(grown);
  }
  out.append(chunk);
}

}  // namespace replwatch

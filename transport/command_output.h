#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace replwatch {

/// Appends a chunk of a command's output to `out`, whose size will not be
/// let past `limit` plus one chunk. Small outputs grow as usual; past 1 MiB
/// the buffer is made big enough for the limit at once. Pages of a large
/// allocation cost memory only when written, and no later growth copies the
/// output: doubling would hold the old buffer and its copy at once (2x a 64
/// MiB output resident at the cap).
void AppendOutput(std::string& out, std::string_view chunk, std::size_t limit);

}  // namespace replwatch

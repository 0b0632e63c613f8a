#pragma once

#include <cstddef>
#include <string>

namespace replwatch {

/// A config file's text, or why it was not read.
struct BoundedFile {
  std::string text;
  std::string error;  ///< Empty if read; else e.g. "cannot open: ...".
};

/// Reads `path` if it holds at most `max_bytes`. Reading stops one byte
/// past the limit, so a file that is too big (or a device that never ends)
/// costs no more memory or time than the limit allows.
BoundedFile ReadBoundedFile(const std::string& path, std::size_t max_bytes);

/// Whether this process may read `path` (access(2) with R_OK).
bool IsReadable(const std::string& path);

/// "1 MiB", "64 KiB" or "100 bytes", for messages about limits.
std::string FormatByteLimit(std::size_t bytes);

}  // namespace replwatch

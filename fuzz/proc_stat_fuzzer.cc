// /proc/<pid>/stat on hostile bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/proc_stat_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)replwatch::parsers::ParseProcStat(text, 4242);
  return 0;
}

// `pvesr status` on hostile bytes, then each row's timestamps.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/pvesr_status_parser.h"
#include "text/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& row : replwatch::parsers::ParsePvesrStatus(text).rows) {
      (void)replwatch::parsers::PvesrTimestampToEpoch(row.last_sync_text, 3600);
      (void)replwatch::parsers::PvesrTimestampToEpoch(row.next_sync_text, 3600);
    }
  } catch (const replwatch::text::ParseError&) {
  }
  return 0;
}

// /etc/cron.d/zfsutils-linux and the enabled timer listing on hostile bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/scrub_schedule_parser.h"
#include "text/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)replwatch::parsers::ParseScrubCron(text);
  } catch (const replwatch::text::ParseError&) {
  }
  try {
    (void)replwatch::parsers::ParseScrubTimers(text);
  } catch (const replwatch::text::ParseError&) {
  }
  return 0;
}

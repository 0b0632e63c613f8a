// /etc/pve/jobs.cfg on hostile bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/vzdump_jobs_parser.h"
#include "text/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)replwatch::parsers::ParseVzdumpJobs(text);
  } catch (const replwatch::text::ParseError&) {
  }
  return 0;
}

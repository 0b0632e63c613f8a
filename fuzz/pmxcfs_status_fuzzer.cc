// /etc/pve/.vmlist and /etc/pve/.members on hostile bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/pmxcfs_status_parser.h"
#include "text/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  replwatch::text::ParseWarnings warnings;
  try {
    (void)replwatch::parsers::ParseVmlist(text, &warnings);
  } catch (const replwatch::text::ParseError&) {
  }
  try {
    (void)replwatch::parsers::ParseMembersOnline(text, &warnings);
  } catch (const replwatch::text::ParseError&) {
  }
  return 0;
}

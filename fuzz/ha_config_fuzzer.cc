// /etc/pve/ha/{resources,groups,rules}.cfg on hostile bytes, and where
// they would place each guest.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/ha.h"
#include "collectors/parsers/ha_config_parser.h"
#include "text/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace parsers = replwatch::parsers;
  try {
    replwatch::text::ParseWarnings warnings;
    const auto resources = parsers::ParseHaResources(text, &warnings);
    const auto groups = parsers::ParseHaGroups(text, &warnings);
    const auto rules = parsers::ParseHaNodeAffinityRules(text, &warnings);
    (void)replwatch::PlaceHaGuests(resources, groups, rules);
  } catch (const replwatch::text::ParseError&) {
  }
  return 0;
}

// `zpool get -Hp` on hostile bytes, then the feature@ states of every pool.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/zpool_get_parser.h"
#include "text/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto listing = replwatch::parsers::ParseZpoolGet(text);
    for (const auto& pool : listing.properties) {
      (void)replwatch::parsers::FeatureStates(pool.second);
    }
  } catch (const replwatch::text::ParseError&) {
  }
  return 0;
}

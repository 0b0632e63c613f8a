// `date +%s.%N` and the node-local timestamp forms on hostile bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "collectors/parsers/date_parser.h"
#include "collectors/parsers/local_time.h"

namespace {

void ToEpoch(const std::optional<replwatch::parsers::LocalDateTime>& local) {
  if (local) (void)replwatch::parsers::LocalToEpoch(*local, -12 * 3600);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)replwatch::parsers::ParseEpochSeconds(text);
  ToEpoch(replwatch::parsers::ParseCtime(text));
  ToEpoch(replwatch::parsers::ParseLogTimestamp(text));
  return 0;
}

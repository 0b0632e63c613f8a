// Error classification on hostile bytes. The input up to the first NUL is
// the job state's `error` text, the rest the last run's log.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/error_class.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = text.find('\0');
  const std::string_view state_error = text.substr(0, nul);
  // Without a NUL the log is empty but, as in the collector's "", not a
  // null view.
  const std::string_view log =
      text.substr(nul == std::string_view::npos ? text.size() : nul + 1);
  (void)replwatch::parsers::ClassifyReplicationError(state_error, log);
  (void)replwatch::parsers::ShortErrorLine(text);
  return 0;
}

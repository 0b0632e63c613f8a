// The YAML config loader on hostile text: ConfigError is the only way out.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)replwatch::ParseConfig(text, "fuzz.yml", {"node", "jobs"});
  } catch (const replwatch::ConfigError&) {
  }
  return 0;
}

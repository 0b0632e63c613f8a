#include "collectors/label_values.h"

namespace replwatch {

bool IsSafeLabelValue(std::string_view value) {
  if (value.empty() || value.size() > 256) return false;
  for (const char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace replwatch

#include "exposition/label_values.h"

#include "text/text_scan.h"

namespace replwatch {

bool IsSafeLabelValue(std::string_view value) {
  if (value.empty() || value.size() > 256) return false;
  for (const char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string UnsafeLabelValueWarning(std::string_view what,
                                    std::string_view value) {
  return std::string(what) + " '" + text::Printable(value, 64) + "' (" +
         std::to_string(value.size()) +
         " bytes) is not 1 to 256 printable ASCII characters; its series are "
         "left out";
}

}  // namespace replwatch

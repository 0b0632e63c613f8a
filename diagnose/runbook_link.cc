#include "diagnose/runbook_link.h"

#include <cctype>

namespace replwatch::diagnose {

std::string RunbookUrl(std::string_view alert) {
  std::string url =
      "https://github.com/replwatch/replwatch/blob/main/docs/runbook.md#";
  for (const char c : alert) {
    url += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return url;
}

}  // namespace replwatch::diagnose

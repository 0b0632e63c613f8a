#include "text/name_rules.h"

#include <arpa/inet.h>

#include <cctype>
#include <string>

namespace replwatch::text {
namespace {

bool AllOf(std::string_view text, bool (*ok)(char)) {
  for (char c : text) {
    if (!ok(c)) return false;
  }
  return true;
}

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)); }

}  // namespace

bool IsValidNodeName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (name.front() == '-' || name.back() == '-') return false;
  return AllOf(name, [](char c) { return IsAlnum(c) || c == '-'; });
}

bool IsValidClusterName(std::string_view name) {
  if (name.empty() || name.size() > 63 || !IsAlnum(name.front())) return false;
  return AllOf(name, [](char c) {
    return IsAlnum(c) || c == '-' || c == '_' || c == '.';
  });
}

bool IsIpLiteral(std::string_view address) {
  const std::string text(address);  // inet_pton needs a terminated string
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool IsValidHostAddress(std::string_view address) {
  if (address.empty() || address.size() > 253) return false;
  if (IsIpLiteral(address)) return true;
  if (address.front() == '-' || address.front() == '.') return false;
  return AllOf(address,
               [](char c) { return IsAlnum(c) || c == '-' || c == '.'; });
}

bool IsValidZfsDatasetName(std::string_view name) {
  if (name.empty() || name.size() >= 256) return false;
  if (!std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = name.find('/', start);
    const std::string_view component = name.substr(
        start, slash == std::string_view::npos ? slash : slash - start);
    if (component.empty() || component == "." || component == "..") {
      return false;
    }
    const bool valid_chars = AllOf(component, [](char c) {
      return IsAlnum(c) || c == '_' || c == '-' || c == '.' || c == ':' ||
             c == ' ';
    });
    if (!valid_chars) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool IsValidUnixUserName(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  if (!(std::islower(static_cast<unsigned char>(name.front())) ||
        name.front() == '_')) {
    return false;
  }
  return AllOf(name, [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool IsValidInterfaceName(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") {
    return false;
  }
  return AllOf(
      name, [](char c) { return c > ' ' && c < 0x7f && c != '/' && c != ':'; });
}

}  // namespace replwatch::text

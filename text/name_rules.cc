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

}  // namespace replwatch::text

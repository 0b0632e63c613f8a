#include "collectors/parsers/pveversion_parser.h"

#include "collectors/parsers/zfs_version_parser.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::parsers {

PveVersion ParsePveVersion(std::string_view text) {
  text::RejectNulBytes(text, "pveversion");
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    std::string_view rest = text::TrimSpace(line);
    if (!text::StartsWith(rest, "pve-manager/")) continue;
    rest.remove_prefix(12);
    std::string_view ids = text::NextField(&rest);
    PveVersion version;
    version.manager = std::string(text::SplitAt(&ids, '/'));
    version.revision = std::string(ids);
    const std::size_t kernel = rest.find("(running kernel: ");
    if (kernel != std::string_view::npos) {
      std::string_view k = rest.substr(kernel + 17);
      k = k.substr(0, k.find(')'));
      if (IsUsableVersionText(k)) version.running_kernel = std::string(k);
    }
    if (!IsUsableVersionText(version.manager) ||
        !ParseReleaseNumber(version.manager) ||
        (!version.revision.empty() && !IsUsableVersionText(version.revision))) {
      throw text::ParseError("pveversion: malformed pve-manager version",
                             lines.line_number());
    }
    return version;
  }
  throw text::ParseError("pveversion: no pve-manager line");
}

namespace {

// Debian package names: lower case letters, digits and "+-.", starting with
// a letter or digit (Debian Policy 5.6.1).
bool IsPackageName(std::string_view s) {
  if (s.size() < 2 || s.size() > kMaxVersionLength) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return s.front() != '+' && s.front() != '-' && s.front() != '.';
}

}  // namespace

PvePackages ParsePvePackages(std::string_view text) {
  text::RejectNulBytes(text, "pveversion -v");
  text::LineReader lines(text);
  std::string_view line;
  PvePackages packages;
  while (lines.Next(&line)) {
    std::string_view rest = line;
    const std::size_t colon = rest.find(": ");
    if (colon == std::string_view::npos) continue;
    const std::string_view name = rest.substr(0, colon);
    rest.remove_prefix(colon + 2);
    const std::string_view version = text::NextField(&rest);
    // A Debian version starts with a digit; "not correctly installed"
    // (listed, not installed) is no version.
    if (!IsPackageName(name) || !IsUsableVersionText(version) ||
        version.front() < '0' || version.front() > '9') {
      continue;
    }
    if (packages.size() == kMaxPvePackages) {
      throw text::ParseError("pveversion -v: more than " +
                                 std::to_string(kMaxPvePackages) + " packages",
                             lines.line_number());
    }
    packages.emplace(std::string(name), std::string(version));
  }
  if (packages.count("pve-manager") == 0) {
    throw text::ParseError("pveversion -v: no pve-manager line");
  }
  return packages;
}

}  // namespace replwatch::parsers

#pragma once

#include <map>
#include <string>
#include <string_view>

namespace replwatch::parsers {

/// `pveversion`: "pve-manager/8.2.4/faa83925c9641325 (running
/// kernel: 6.8.8-2-pve)".
struct PveVersion {
  std::string manager;         // "8.2.4"
  std::string revision;        // "faa83925c9641325"
  std::string running_kernel;  // "6.8.8-2-pve"
};

/// Throws text::ParseError if there is no pve-manager line.
PveVersion ParsePveVersion(std::string_view text);

/// `pveversion -v`: one "<package>: <version>[ (...)]" line per package,
/// e.g. "libpve-storage-perl: 9.1.10". Packages PVE lists but that are not
/// installed ("not correctly installed") are left out, as are lines that are
/// not of that shape.
using PvePackages = std::map<std::string, std::string>;  // package -> version

/// At most this many packages are kept (a PVE 9 node lists about 60).
constexpr std::size_t kMaxPvePackages = 256;

/// Throws text::ParseError when the text holds no pve-manager line (not
/// `pveversion -v` output) or more than kMaxPvePackages packages.
PvePackages ParsePvePackages(std::string_view text);

}  // namespace replwatch::parsers

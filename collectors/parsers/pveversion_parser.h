#pragma once

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

}  // namespace replwatch::parsers

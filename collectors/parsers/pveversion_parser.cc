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

}  // namespace replwatch::parsers

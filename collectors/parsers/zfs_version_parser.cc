#include "collectors/parsers/zfs_version_parser.h"

#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::parsers {

bool IsUsableVersionText(std::string_view s) {
  return text::IsPrintableToken(s, kMaxVersionLength);
}

std::optional<ReleaseNumber> ParseReleaseNumber(std::string_view release) {
  ReleaseNumber number;
  int* parts[] = {&number.major, &number.minor, &number.patch};
  std::size_t read = 0;
  std::string_view rest = release;
  for (int* part : parts) {
    std::size_t digits = 0;
    while (digits < rest.size() && digits < 6 && rest[digits] >= '0' &&
           rest[digits] <= '9')
      ++digits;
    if (digits == 0) break;
    *part = static_cast<int>(*text::ParseUint64(rest.substr(0, digits)));
    ++read;
    rest.remove_prefix(digits);
    if (rest.empty() || rest[0] != '.') break;
    rest.remove_prefix(1);
  }
  if (read < 2) return std::nullopt;
  return number;
}

ZfsVersion ParseZfsVersion(std::string_view text) {
  text::RejectNulBytes(text, "zfs version");
  ZfsVersion version;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    const std::string_view t = text::TrimSpace(line);
    if (text::StartsWith(t, "zfs-kmod-")) {
      if (IsUsableVersionText(t.substr(9))) {
        version.kernel = std::string(t.substr(9));
      }
    } else if (text::StartsWith(t, "zfs-") && version.userland.empty()) {
      if (!IsUsableVersionText(t.substr(4))) {
        throw text::ParseError(
            "zfs version: '" + text::Printable(t.substr(4)) +
                "' is not a version (printable ASCII, at most " +
                std::to_string(kMaxVersionLength) + " characters)",
            lines.line_number());
      }
      version.userland = std::string(t.substr(4));
    }
  }
  if (version.userland.empty())
    throw text::ParseError("zfs version: no zfs-<version> line");
  version.userland_release = ParseReleaseNumber(version.userland);
  return version;
}

}  // namespace replwatch::parsers

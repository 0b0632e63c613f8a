#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One indented `<key> [<value>]` line of a SectionConfig section. A key
/// written without a value (a bare `disable`) has an empty value, which PVE
/// reads as 1 for a boolean.
struct ConfigOption {
  std::string key;
  std::string value;
  std::size_t line = 0;
};

/// One section of a PVE SectionConfig file (/etc/pve/*.cfg): a
/// `<type>: <id>` header and its option lines.
struct ConfigSection {
  std::string type;
  std::string id;
  std::vector<ConfigOption> options;  // in file order
  std::size_t line = 0;               // the header's

  /// The first value of `key`, or nullptr.
  const std::string* Option(std::string_view key) const;
  /// A boolean option as PVE reads it: present with no value, or "1".
  bool Flag(std::string_view key) const;
};

/// Splits `text` into sections as PVE::SectionConfig::parse_config does:
/// `#` lines and blank lines between sections are skipped, a blank line
/// ends a section, a header is `^(\S+):\s*(\S+)\s*$` and an option line
/// starts with whitespace. Anything else is a warning naming `file` and the
/// line, and is skipped (with a bad header, its options too). Throws
/// text::ParseError only on NUL bytes.
std::vector<ConfigSection> ParseSectionConfig(std::string_view text,
                                              std::string_view file,
                                              text::ParseWarnings* warnings);

}  // namespace replwatch::parsers

#include "collectors/parsers/section_config.h"

#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

const std::string* ConfigSection::Option(std::string_view key) const {
  for (const ConfigOption& option : options) {
    if (option.key == key) return &option.value;
  }
  return nullptr;
}

bool ConfigSection::Flag(std::string_view key) const {
  const std::string* value = Option(key);
  return value != nullptr && (value->empty() || *value == "1");
}

std::vector<ConfigSection> ParseSectionConfig(std::string_view text,
                                              std::string_view file,
                                              text::ParseWarnings* warnings) {
  text::RejectNulBytes(text, file);
  std::vector<ConfigSection> sections;
  // In a section: its options follow until a blank line. After a bad
  // header its options are skipped the same way.
  enum class In { kNothing, kSection, kBadHeader } in = In::kNothing;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (text::TrimSpace(line).empty()) {
      in = In::kNothing;
      continue;
    }
    if (line[0] == '#') continue;
    if (in != In::kNothing && IsSpace(line[0])) {
      if (in == In::kBadHeader) continue;
      std::string_view option = text::TrimSpace(line);
      const std::string_view key = text::NextField(&option);
      sections.back().options.push_back({std::string(key),
                                         std::string(text::TrimSpace(option)),
                                         lines.line_number()});
      continue;
    }
    std::string_view rest = line;
    const std::string_view type = text::SplitAt(&rest, ':');
    const std::string_view id = text::TrimSpace(rest);
    const bool header = type.size() < line.size() && !type.empty() &&
                        type.find_first_of(" \t") == std::string_view::npos &&
                        !id.empty() &&
                        id.find_first_of(" \t") == std::string_view::npos;
    if (!header) {
      warnings->Add(lines.line_number(), std::string(file) +
                                             ": not a section header: " +
                                             text::Printable(line, 120));
      in = IsSpace(line[0]) ? in : In::kBadHeader;
      continue;
    }
    sections.push_back(
        {std::string(type), std::string(id), {}, lines.line_number()});
    in = In::kSection;
  }
  return sections;
}

}  // namespace replwatch::parsers

#include "collectors/parsers/zfs_get_parser.h"

#include <algorithm>

#include "text/json.h"
#include "text/text_scan.h"

namespace replwatch::parsers {

PropertyValue MakePropertyValue(std::string_view text) {
  PropertyValue value;
  value.text = std::string(text);
  value.absent = text == "-" || text == "none" || text.empty();
  value.number = text::ParseUint64(text);
  return value;
}

PropertyListing ParseZfsGet(std::string_view text) {
  text::RejectNulBytes(text, "zfs get");
  PropertyListing listing;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    const auto tabs = std::count(line.begin(), line.end(), '\t');
    std::string_view rest = line;
    const std::string_view name = text::SplitAt(&rest, '\t');
    const std::string_view property = text::SplitAt(&rest, '\t');
    const std::string_view value = text::SplitAt(&rest, '\t');
    if ((tabs != 2 && tabs != 3) || name.empty() || property.empty()) {
      throw text::ParseError(
          "zfs get: expected name, property, value separated by TABs",
          lines.line_number());
    }
    listing.properties[std::string(name)][std::string(property)] =
        MakePropertyValue(value);
  }
  return listing;
}

PropertyListing ParseZfsListColumns(std::string_view text,
                                    const std::vector<std::string>& columns) {
  text::RejectNulBytes(text, "zfs list");
  PropertyListing listing;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    const auto fields =
        static_cast<std::size_t>(std::count(line.begin(), line.end(), '\t')) +
        1;
    std::string_view rest = line;
    const std::string_view name = text::SplitAt(&rest, '\t');
    if (fields != columns.size() || name.empty()) {
      throw text::ParseError(
          "zfs list: expected " + std::to_string(columns.size()) +
              " TAB-separated columns, got " + std::to_string(fields),
          lines.line_number());
    }
    auto [row, added] = listing.properties.try_emplace(std::string(name));
    if (!added) {
      throw text::ParseError(
          "zfs list: dataset '" + text::Printable(name, 80) + "' listed twice",
          lines.line_number());
    }
    for (std::size_t i = 1; i < columns.size(); ++i) {
      row->second[columns[i]] = MakePropertyValue(text::SplitAt(&rest, '\t'));
    }
  }
  return listing;
}

PropertyListing ParseZfsGetHuman(std::string_view text) {
  text::RejectNulBytes(text, "zfs get");
  PropertyListing listing;
  std::size_t property_col = 0, value_col = 0,
              source_col = std::string_view::npos;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (text::TrimSpace(line).empty()) continue;
    if (value_col == 0) {
      property_col = line.find("PROPERTY");
      value_col = line.find("VALUE");
      source_col = line.find("SOURCE");
      if (!text::StartsWith(line, "NAME") ||
          property_col == std::string_view::npos ||
          value_col == std::string_view::npos || value_col < property_col) {
        throw text::ParseError("zfs get: no NAME PROPERTY VALUE header",
                               lines.line_number());
      }
      continue;
    }
    if (line.size() <= value_col || line[value_col - 1] != ' ' ||
        line[property_col - 1] != ' ') {
      listing.warnings.push_back(
          {lines.line_number(), "row does not fit the header columns"});
      continue;
    }
    const std::string_view name = text::TrimSpace(line.substr(0, property_col));
    const std::string_view property =
        text::TrimSpace(line.substr(property_col, value_col - property_col));
    const std::size_t value_end =
        source_col != std::string_view::npos && source_col < line.size()
            ? source_col - value_col
            : std::string_view::npos;
    const std::string_view value =
        text::TrimSpace(line.substr(value_col, value_end));
    listing.properties[std::string(name)][std::string(property)] =
        MakePropertyValue(value);
  }
  return listing;
}

PropertyListing ParseZfsGetJson(std::string_view json) {
  const text::JsonValue doc = text::ParseJson(json);
  const text::JsonValue* datasets = doc.Find("datasets");
  if (datasets == nullptr || !datasets->is_object()) {
    throw text::ParseError("zfs get JSON: no \"datasets\" object");
  }
  PropertyListing listing;
  for (const auto& [name, dataset] : datasets->AsObject()) {
    const text::JsonValue* props = dataset.Find("properties");
    if (props == nullptr || !props->is_object()) {
      listing.warnings.push_back(
          {0, "dataset " + text::Printable(name) + " has no properties"});
      continue;
    }
    for (const auto& [property, entry] : props->AsObject()) {
      const text::JsonValue* v = entry.Find("value");
      if (v == nullptr || !(v->is_string() || v->is_number())) {
        listing.warnings.push_back(
            {0, "property " + text::Printable(property) + " has no value"});
        continue;
      }
      listing.properties[name][property] =
          MakePropertyValue(v->is_string() ? v->AsString() : v->NumberText());
    }
  }
  return listing;
}

}  // namespace replwatch::parsers

#include "collectors/parsers/zfs_get_parser.h"

#include <algorithm>

#include "collectors/parsers/json.h"
#include "collectors/parsers/text_scan.h"

namespace replwatch::parsers {

PropertyValue MakePropertyValue(std::string_view text) {
  PropertyValue value;
  value.text = std::string(text);
  value.absent = text == "-" || text == "none" || text.empty();
  value.number = ParseUint64(text);
  return value;
}

PropertyListing ParseZfsGet(std::string_view text) {
  RejectNulBytes(text, "zfs get");
  PropertyListing listing;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    const auto tabs = std::count(line.begin(), line.end(), '\t');
    std::string_view rest = line;
    const std::string_view name = SplitAt(&rest, '\t');
    const std::string_view property = SplitAt(&rest, '\t');
    const std::string_view value = SplitAt(&rest, '\t');
    if ((tabs != 2 && tabs != 3) || name.empty() || property.empty()) {
      throw ParseError(
          "zfs get: expected name, property, value separated by TABs",
          lines.line_number());
    }
    listing.properties[std::string(name)][std::string(property)] =
        MakePropertyValue(value);
  }
  return listing;
}

PropertyListing ParseZfsGetHuman(std::string_view text) {
  RejectNulBytes(text, "zfs get");
  PropertyListing listing;
  std::size_t property_col = 0, value_col = 0,
              source_col = std::string_view::npos;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (TrimSpace(line).empty()) continue;
    if (value_col == 0) {
      property_col = line.find("PROPERTY");
      value_col = line.find("VALUE");
      source_col = line.find("SOURCE");
      if (!StartsWith(line, "NAME") || property_col == std::string_view::npos ||
          value_col == std::string_view::npos || value_col < property_col) {
        throw ParseError("zfs get: no NAME PROPERTY VALUE header",
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
    const std::string_view name = TrimSpace(line.substr(0, property_col));
    const std::string_view property =
        TrimSpace(line.substr(property_col, value_col - property_col));
    const std::size_t value_end =
        source_col != std::string_view::npos && source_col < line.size()
            ? source_col - value_col
            : std::string_view::npos;
    const std::string_view value = TrimSpace(line.substr(value_col, value_end));
    listing.properties[std::string(name)][std::string(property)] =
        MakePropertyValue(value);
  }
  return listing;
}

PropertyListing ParseZfsGetJson(std::string_view json) {
  const JsonValue doc = ParseJson(json);
  const JsonValue* datasets = doc.Find("datasets");
  if (datasets == nullptr || !datasets->is_object()) {
    throw ParseError("zfs get JSON: no \"datasets\" object");
  }
  PropertyListing listing;
  for (const auto& [name, dataset] : datasets->AsObject()) {
    const JsonValue* props = dataset.Find("properties");
    if (props == nullptr || !props->is_object()) {
      listing.warnings.push_back(
          {0, "dataset " + Printable(name) + " has no properties"});
      continue;
    }
    for (const auto& [property, entry] : props->AsObject()) {
      const JsonValue* v = entry.Find("value");
      if (v == nullptr || !(v->is_string() || v->is_number())) {
        listing.warnings.push_back(
            {0, "property " + Printable(property) + " has no value"});
        continue;
      }
      listing.properties[name][property] =
          MakePropertyValue(v->is_string() ? v->AsString() : v->NumberText());
    }
  }
  return listing;
}

}  // namespace replwatch::parsers

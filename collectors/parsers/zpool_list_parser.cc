#include "collectors/parsers/zpool_list_parser.h"

#include <array>

#include "text/json.h"
#include "text/text_scan.h"
#include "text/value_bounds.h"

namespace replwatch::parsers {
namespace {

enum class Column { kSize, kAlloc, kFree, kCap, kFrag };

class ValueReader {
 public:
  ValueReader(PoolListEntry* entry, text::ParseWarnings* warnings,
              std::size_t line, bool human)
      : entry_(entry), warnings_(warnings), line_(line), human_(human) {}

  void Set(Column column, std::string_view value) {
    if (value == "-" || value.empty()) return;
    if (column == Column::kCap || column == Column::kFrag) {
      if (value.back() == '%') value.remove_suffix(1);
      const auto percent = text::ParseDecimal(value);
      if (!percent || !text::IsPlausibleRatio(*percent / 100.0)) {
        return Warn(value);
      }
      (column == Column::kCap ? entry_->capacity_ratio
                              : entry_->fragmentation_ratio) = *percent / 100.0;
      return;
    }
    std::optional<std::uint64_t> bytes = text::ParseUint64(value);
    if (!bytes && human_) {
      bytes = text::ParseNiceNumber(value);
      entry_->approximate |= bytes.has_value();
    }
    if (!bytes) return Warn(value);
    (column == Column::kSize    ? entry_->size_bytes
     : column == Column::kAlloc ? entry_->allocated_bytes
                                : entry_->free_bytes) = *bytes;
  }

 private:
  void Warn(std::string_view value) {
    warnings_->push_back({line_, "pool " + text::Printable(entry_->name) +
                                     ": unreadable value '" +
                                     text::Printable(value) + "'"});
  }

  PoolListEntry* entry_;
  text::ParseWarnings* warnings_;
  std::size_t line_;
  bool human_;
};

}  // namespace

ZpoolList ParseZpoolList(std::string_view text) {
  text::RejectNulBytes(text, "zpool list");
  ZpoolList list;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    std::array<std::string_view, 7> f;
    std::string_view rest = line;
    std::size_t count = 0;
    while (count < f.size() && !rest.empty())
      f[count++] = text::SplitAt(&rest, '\t');
    if (count != f.size() || !rest.empty() || line.back() == '\t' ||
        f[0].empty()) {
      throw text::ParseError("zpool list: expected 7 TAB-separated fields",
                             lines.line_number());
    }
    PoolListEntry entry;
    entry.name = std::string(f[0]);
    entry.health = std::string(f[6]);
    ValueReader reader(&entry, &list.warnings, lines.line_number(), false);
    reader.Set(Column::kSize, f[1]);
    reader.Set(Column::kAlloc, f[2]);
    reader.Set(Column::kFree, f[3]);
    reader.Set(Column::kCap, f[4]);
    reader.Set(Column::kFrag, f[5]);
    list.pools.push_back(std::move(entry));
  }
  return list;
}

ZpoolList ParseZpoolListHuman(std::string_view text) {
  text::RejectNulBytes(text, "zpool list");
  ZpoolList list;
  std::vector<std::string_view> header;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (text::TrimSpace(line).empty() ||
        text::TrimSpace(line) == "no pools available")
      continue;
    std::vector<std::string_view> fields;
    for (std::string_view rest = line, f = text::NextField(&rest); !f.empty();
         f = text::NextField(&rest)) {
      fields.push_back(f);
    }
    if (header.empty()) {
      if (fields.front() != "NAME")
        throw text::ParseError("zpool list: no header line",
                               lines.line_number());
      header = fields;
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') continue;  // -v vdev row
    if (fields.size() != header.size()) {
      list.warnings.push_back(
          {lines.line_number(), "column count differs from the header"});
      continue;
    }
    PoolListEntry entry;
    ValueReader reader(&entry, &list.warnings, lines.line_number(), true);
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string_view h = header[i];
      if (h == "NAME") entry.name = std::string(fields[i]);
      if (h == "HEALTH") entry.health = std::string(fields[i]);
      if (h == "SIZE") reader.Set(Column::kSize, fields[i]);
      if (h == "ALLOC") reader.Set(Column::kAlloc, fields[i]);
      if (h == "FREE") reader.Set(Column::kFree, fields[i]);
      if (h == "CAP") reader.Set(Column::kCap, fields[i]);
      if (h == "FRAG") reader.Set(Column::kFrag, fields[i]);
    }
    list.pools.push_back(std::move(entry));
  }
  return list;
}

ZpoolList ParseZpoolListJson(std::string_view json) {
  const text::JsonValue doc = text::ParseJson(json);
  const text::JsonValue* pools = doc.Find("pools");
  if (pools == nullptr || !pools->is_object())
    throw text::ParseError("zpool list JSON: no \"pools\" object");
  ZpoolList list;
  for (const auto& [key, pool] : pools->AsObject()) {
    PoolListEntry entry;
    const text::JsonValue* name = pool.Find("name");
    entry.name = name != nullptr && name->is_string() ? name->AsString() : key;
    const text::JsonValue* props = pool.Find("properties");
    auto value = [&](const char* prop) -> std::string {
      const text::JsonValue* v = props != nullptr ? props->Find(prop) : nullptr;
      v = v != nullptr ? v->Find("value") : nullptr;
      if (v == nullptr) return "-";
      return v->is_number()   ? v->NumberText()
             : v->is_string() ? v->AsString()
                              : "-";
    };
    entry.health = value("health");
    ValueReader reader(&entry, &list.warnings, 0, true);
    reader.Set(Column::kSize, value("size"));
    reader.Set(Column::kAlloc, value("allocated"));
    reader.Set(Column::kFree, value("free"));
    reader.Set(Column::kCap, value("capacity"));
    reader.Set(Column::kFrag, value("fragmentation"));
    list.pools.push_back(std::move(entry));
  }
  return list;
}

}  // namespace replwatch::parsers

#include "collectors/parsers/storage_cfg_parser.h"

#include <set>

#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

// pve-storage src/PVE/Storage.pm @SHARED_STORAGE (9.1; glusterfs until 8.x).
const std::set<std::string_view> kAlwaysShared = {
    "iscsi",       "nfs",       "cifs", "rbd",  "cephfs",
    "iscsidirect", "glusterfs", "zfs",  "drbd", "pbs"};

}  // namespace

std::map<std::string, StorageDefinition> ParseStorageConfig(
    std::string_view text, text::ParseWarnings* warnings) {
  text::RejectNulBytes(text, "storage.cfg");
  std::map<std::string, StorageDefinition> storages;
  StorageDefinition* current = nullptr;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (text::TrimSpace(line).empty() || text::StartsWith(line, "#")) continue;
    if (line[0] == ' ' || line[0] == '\t') {
      std::string_view option = text::TrimSpace(line);
      const std::string_view key = text::NextField(&option);
      if (current == nullptr) continue;
      if (key == "shared") {
        current->shared = current->shared || text::TrimSpace(option) == "1";
      } else if (key == "pool") {
        current->pool = std::string(text::TrimSpace(option));
      }
      continue;
    }
    std::string_view rest = line;
    const std::string_view head = text::SplitAt(&rest, ':');
    const std::string_view type = text::TrimSpace(head);
    const std::string_view id = text::TrimSpace(rest);
    if (head.size() == line.size() || type.empty() || id.empty()) {
      warnings->Add(lines.line_number(),
                    "not a storage header: " + text::Printable(line));
      current = nullptr;
      continue;
    }
    current = &storages[std::string(id)];
    current->type = std::string(type);
    current->shared = kAlwaysShared.count(type) > 0;
  }
  return storages;
}

}  // namespace replwatch::parsers

#include "collectors/parsers/storage_cfg_parser.h"

#include <set>

#include "collectors/parsers/section_config.h"

namespace replwatch::parsers {
namespace {

// pve-storage src/PVE/Storage.pm @SHARED_STORAGE (9.1; glusterfs until 8.x).
const std::set<std::string_view> kAlwaysShared = {
    "iscsi",       "nfs",       "cifs", "rbd",  "cephfs",
    "iscsidirect", "glusterfs", "zfs",  "drbd", "pbs"};

}  // namespace

std::map<std::string, StorageDefinition> ParseStorageConfig(
    std::string_view text, text::ParseWarnings* warnings) {
  std::map<std::string, StorageDefinition> storages;
  for (const ConfigSection& section :
       ParseSectionConfig(text, "storage.cfg", warnings)) {
    StorageDefinition& storage = storages[section.id];
    storage.type = section.type;
    storage.shared =
        kAlwaysShared.count(section.type) > 0 || section.Flag("shared");
    if (const std::string* pool = section.Option("pool")) storage.pool = *pool;
  }
  return storages;
}

}  // namespace replwatch::parsers

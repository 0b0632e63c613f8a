// `zfs list -t snapshot` on hostile bytes, then each PVE snapshot name.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/parse_error.h"
#include "collectors/parsers/zfs_snapshot_list_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    replwatch::parsers::ZfsSnapshotListReader reader(text);
    replwatch::parsers::SnapshotLine line;
    while (reader.Next(&line)) {
      (void)replwatch::parsers::ParseReplicationSnapshotName(line.snapshot);
    }
  } catch (const replwatch::parsers::ParseError&) {
  }
  (void)replwatch::parsers::ParseReplicationSnapshotName(text);
  return 0;
}

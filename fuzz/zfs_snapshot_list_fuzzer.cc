// `zfs list -t snapshot` on hostile bytes: the streaming reader (with its
// fast path) must accept and refuse exactly what ParseSnapshotLine does line
// by line, for every column requirement; then each PVE snapshot name.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "collectors/parsers/snapshot_list_outcome.h"
#include "collectors/parsers/zfs_snapshot_list_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace testing = replwatch::parsers::testing;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const std::size_t columns : {0, 3, 4}) {
    if (testing::ReaderOutcome(text, columns) !=
        testing::ReferenceOutcome(text, columns)) {
      std::fprintf(stderr, "reader and ParseSnapshotLine disagree\n");
      std::abort();
    }
  }
  for (std::string_view rest = text; !rest.empty();) {
    (void)replwatch::parsers::ParseReplicationSnapshotName(
        replwatch::text::SplitAt(&rest, '\n'));
  }
  return 0;
}

// The snapshot inventory built from a hostile `zfs list -t snapshot`,
// queried and rendered as metrics.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/zfs_snapshot_list_parser.h"
#include "collectors/snapshots.h"
#include "exposition/metric_set.h"
#include "text/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto facts = replwatch::SnapshotsFacts::FromZfsList(text);
    for (const auto& [dataset, snapshots] : facts->datasets()) {
      (void)facts->Of(dataset);
      for (const replwatch::Snapshot& snapshot : snapshots) {
        const auto name =
            replwatch::parsers::ParseReplicationSnapshotName(snapshot.name);
        if (name) (void)facts->LatestReplicationSnapshot(dataset, name->job_id);
      }
    }
    replwatch::MetricSet metrics;
    facts->Render({{"node", "fuzz"}}, metrics);
    (void)metrics.Serialize();
  } catch (const replwatch::text::ParseError&) {
  }
  return 0;
}

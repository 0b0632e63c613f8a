// Dataset facts built from a hostile `zfs list -Hp -o name,...` (the
// datasets collector's columns), queried and rendered.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/datasets.h"
#include "collectors/parsers/zfs_get_parser.h"
#include "exposition/metric_set.h"
#include "text/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto listing = replwatch::parsers::ParseZfsListColumns(
        text, replwatch::DatasetsCollector::Columns());
    const auto facts = replwatch::BuildDatasetsFacts(listing.properties);
    for (const auto& entry : facts->datasets) {
      const std::string& name = entry.first;
      (void)facts->AvailableFor(name + "/vm-100-disk-0");
      (void)facts->PoolSlopBytes(name.substr(0, name.find('/')));
    }
    replwatch::MetricSet metrics;
    facts->Render({{"node", "fuzz"}}, metrics);
    (void)metrics.Serialize();
  } catch (const replwatch::text::ParseError&) {
  }
  return 0;
}

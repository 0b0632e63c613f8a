// Any samples, rendered, must read back with a parser as strict as
// Prometheus' own: the renderer must never serve an exposition a scrape
// would refuse (issue 18). The bytes choose names, label names and values
// (any bytes, so invalid UTF-8 too), help texts and values (any double).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "exposition/metric_set.h"
#include "testing/exposition_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  replwatch::MetricSet set;
  std::size_t added = 0;
  while (input.remaining_bytes() > 0 && added < 64) {
    const std::string name = input.ConsumeRandomLengthString(24);
    const std::string help = input.ConsumeRandomLengthString(16);
    replwatch::LabelList labels;
    for (int i = input.ConsumeIntegralInRange(0, 3); i > 0; --i) {
      std::string label = input.ConsumeRandomLengthString(8);
      labels.emplace_back(std::move(label),
                          input.ConsumeRandomLengthString(16));
    }
    const double value = input.ConsumeFloatingPoint<double>();
    if (input.ConsumeBool()) {
      set.Counter(name, help, labels, value);
    } else {
      set.Gauge(name, help, labels, value);
    }
    ++added;
  }
  const std::string text = set.Serialize();
  try {
    const auto samples = replwatch::testing::ReadExposition(text);
    std::size_t dropped = 0;
    for (const std::size_t n : set.dropped()) dropped += n;
    // Every sample is either served or counted as dropped.
    if (samples.size() !=
        added + replwatch::MetricSet::kDropReasons - dropped) {
      std::abort();
    }
  } catch (const std::exception&) {
    std::abort();  // an exposition Prometheus would refuse
  }
  return 0;
}

#include "collectors/metric_set.h"

#include "testing/catch.h"

namespace replwatch {
namespace {

TEST_CASE("samples of one family are written under one header", "[metrics]") {
  MetricSet set;
  set.Gauge("replwatch_b", "B help.", {{"node", "pve1"}}, 1);
  set.Gauge("replwatch_a", "A help.", {}, 2.5);
  set.Gauge("replwatch_b", "B help.", {{"node", "pve2"}}, 0);
  set.Counter("replwatch_c_total", "C help.", {}, 7);
  CHECK(set.series_count() == 4);
  CHECK(set.Serialize() ==
        "# HELP replwatch_a A help.\n"
        "# TYPE replwatch_a gauge\n"
        "replwatch_a 2.5\n"
        "# HELP replwatch_b B help.\n"
        "# TYPE replwatch_b gauge\n"
        "replwatch_b{node=\"pve1\"} 1\n"
        "replwatch_b{node=\"pve2\"} 0\n"
        "# HELP replwatch_c_total C help.\n"
        "# TYPE replwatch_c_total counter\n"
        "replwatch_c_total 7\n");
}

TEST_CASE("label values are escaped", "[metrics]") {
  MetricSet set;
  set.Gauge("replwatch_x", "X.", {{"path", "a\"b\\c\nd"}}, 1);
  CHECK(set.Serialize().find("replwatch_x{path=\"a\\\"b\\\\c\\nd\"} 1") !=
        std::string::npos);
}

}  // namespace
}  // namespace replwatch

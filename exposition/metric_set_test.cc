#include "exposition/metric_set.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <random>

#include "testing/catch.h"
#include "testing/exposition_checks.h"
#include "testing/exposition_reader.h"

namespace replwatch {
namespace {

const char kNoneDropped[] =
    "# HELP replwatch_exposition_dropped_samples Samples left out of this "
    "exposition because Prometheus would have refused the whole scrape for "
    "them, by reason.\n"
    "# TYPE replwatch_exposition_dropped_samples gauge\n"
    "replwatch_exposition_dropped_samples{reason=\"non_finite\"} 0\n"
    "replwatch_exposition_dropped_samples{reason=\"duplicate_series\"} 0\n"
    "replwatch_exposition_dropped_samples{reason=\"invalid_name\"} 0\n"
    "replwatch_exposition_dropped_samples{reason=\"invalid_label_value\"} 0\n";

TEST_CASE("samples of one family are written under one header", "[metrics]") {
  MetricSet set;
  set.Gauge("replwatch_b", "B help.", {{"node", "pve1"}}, 1);
  set.Gauge("replwatch_a", "A help.", {}, 2.5);
  set.Gauge("replwatch_b", "B help.", {{"node", "pve2"}}, 0);
  set.Counter("replwatch_c_total", "C help.", {}, 7);
  CHECK(set.series_count() == 4);
  CHECK(set.Serialize() == std::string("# HELP replwatch_a A help.\n"
                                       "# TYPE replwatch_a gauge\n"
                                       "replwatch_a 2.5\n"
                                       "# HELP replwatch_b B help.\n"
                                       "# TYPE replwatch_b gauge\n"
                                       "replwatch_b{node=\"pve1\"} 1\n"
                                       "replwatch_b{node=\"pve2\"} 0\n"
                                       "# HELP replwatch_c_total C help.\n"
                                       "# TYPE replwatch_c_total counter\n"
                                       "replwatch_c_total 7\n") +
                               kNoneDropped);
}

TEST_CASE("label values are escaped", "[metrics]") {
  MetricSet set;
  set.Gauge("replwatch_x", "X.", {{"path", "a\"b\\c\nd"}}, 1);
  CHECK(set.Serialize().find("replwatch_x{path=\"a\\\"b\\\\c\\nd\"} 1") !=
        std::string::npos);
}

TEST_CASE("a value near the largest double does not invalidate the scrape",
          "[metrics]") {
  MetricSet set;
  set.Gauge("replwatch_job_duration_seconds", "Duration.", {{"job_id", "1-0"}},
            DBL_MAX);
  const std::string text = set.Serialize();
  CHECK(text.find("} 1.7976931348623157e+308\n") != std::string::npos);
  const auto samples = testing::ReadExposition(text);
  REQUIRE(samples.size() == 5);
  CHECK(samples[0].value == DBL_MAX);
  testing::CheckPromtoolClean(text);
}

TEST_CASE("samples Prometheus would refuse are dropped and counted",
          "[metrics]") {
  MetricSet set;
  set.Gauge("replwatch_a", "A.", {{"job_id", "1-0"}}, 1);
  set.Gauge("replwatch_a", "A.", {{"job_id", "1-0"}}, 2);  // duplicate
  set.Gauge("replwatch_a", "A.", {{"job_id", "2-0"}}, std::nan(""));
  set.Gauge("replwatch_a", "A.", {{"job_id", "3-0"}}, HUGE_VAL);
  set.Gauge("replwatch_a", "A.", {{"job_id", "4-\xFF"}}, 1);
  set.Gauge("replwatch_a", "A.", {{"job-id", "5-0"}}, 1);
  set.Gauge("replwatch-b", "B.", {}, 1);
  const std::string text = set.Serialize();
  const auto samples = testing::ReadExposition(text);
  REQUIRE(samples.size() == 5);  // one replwatch_a, four drop counts
  CHECK(samples[0].value == 1);
  const auto dropped = set.dropped();
  CHECK(dropped[0] == 2);  // NaN, +Inf
  CHECK(dropped[1] == 1);  // the second 1-0
  CHECK(dropped[2] == 2);  // job-id, replwatch-b
  CHECK(dropped[3] == 1);  // "4-\xFF"
  CHECK(text.find("reason=\"non_finite\"} 2\n") != std::string::npos);
  testing::CheckPromtoolClean(text);
}

// Any sample, valid or not, from a generator that favours the edges.
class SampleGenerator {
 public:
  explicit SampleGenerator(unsigned seed) : random_(seed) {}

  std::string Name() {
    static const char* names[] = {"replwatch_a", "replwatch_b", "replwatch:c",
                                  "replwatch-d", "9e",          "replwatch_e"};
    return names[Pick(6)];
  }
  std::string LabelValue() {
    static const char* edges[] = {
        "", "pve1", "a\"b\\c\nd", "\xC3\xA9", "\xC3", "\xFF", "}", "=", ","};
    if (Pick(3) == 0) return edges[Pick(9)];
    std::string value(Pick(6), ' ');
    for (char& c : value) c = static_cast<char>(Pick(256));
    return value;
  }
  double Value() {
    static const double edges[] = {
        DBL_MAX, -DBL_MAX,     DBL_MIN,  DBL_TRUE_MIN, 0.0,         -0.0,
        1e21,    std::nan(""), HUGE_VAL, -HUGE_VAL,    1764000000.5};
    if (Pick(2) == 0) return edges[Pick(11)];
    std::uint64_t bits = random_();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  std::size_t Pick(std::size_t n) { return random_() % n; }

 private:
  std::mt19937_64 random_;
};

TEST_CASE("any samples serialize to an exposition Prometheus accepts",
          "[metrics]") {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    SampleGenerator generate(seed);
    MetricSet set;
    std::size_t added = 0;
    for (std::size_t i = generate.Pick(40); i > 0; --i, ++added) {
      LabelList labels;
      for (std::size_t j = generate.Pick(3); j > 0; --j) {
        labels.emplace_back(j == 2 ? "__x" : "l" + std::to_string(j),
                            generate.LabelValue());
      }
      set.Gauge(generate.Name(), "H\\elp\n.", labels, generate.Value());
    }
    const std::string text = set.Serialize();
    INFO("seed " << seed << "\n" << text);
    std::vector<testing::ExposedSample> samples;
    REQUIRE_NOTHROW(samples = testing::ReadExposition(text));
    std::size_t dropped = 0;
    for (const std::size_t n : set.dropped()) dropped += n;
    CHECK(samples.size() - MetricSet::kDropReasons + dropped == added);
    if (seed % 50 == 0) testing::CheckPromtoolParses(text);
  }
}

}  // namespace
}  // namespace replwatch

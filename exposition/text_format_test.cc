#include "exposition/text_format.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

#include "testing/catch.h"

namespace replwatch::exposition {
namespace {

std::string ValueText(double value) {
  std::string out;
  AppendSampleValue(value, &out);
  return out;
}

TEST_CASE("sample values read back as exactly the same double",
          "[exposition]") {
  // 16 significant digits round DBL_MAX up past itself, which Prometheus
  // refuses ("value out of range") along with the whole scrape.
  CHECK(ValueText(DBL_MAX) == "1.7976931348623157e+308");
  CHECK(ValueText(0.1) == "0.1");
  CHECK(ValueText(1) == "1");
  CHECK(ValueText(-0.0) == "-0");
  CHECK(ValueText(1e21) == "1e+21");
  CHECK(ValueText(1764000000) == "1764000000");
  CHECK(ValueText(-42) == "-42");
  CHECK(ValueText(1e15) == "1e+15");
  CHECK(ValueText(0.5) == "0.5");
  CHECK(ValueText(18446744073709551615.0) == "18446744073709551616");
  for (const double value : {DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 1.0 / 3, 1e-300,
                             6.02214076e23, 1764000000.123456}) {
    INFO(value);
    CHECK(std::strtod(ValueText(value).c_str(), nullptr) == value);
  }
  CHECK(ValueText(std::nan("")) == "NaN");
  CHECK(ValueText(HUGE_VAL) == "+Inf");
  CHECK(ValueText(-HUGE_VAL) == "-Inf");
}

TEST_CASE("names and label values follow the exposition format",
          "[exposition]") {
  CHECK(IsValidMetricName("replwatch_job_rpo_seconds"));
  CHECK(IsValidMetricName("job:rpo:max"));
  CHECK_FALSE(IsValidMetricName("1job"));
  CHECK_FALSE(IsValidMetricName("job-rpo"));
  CHECK_FALSE(IsValidMetricName(""));
  CHECK(IsValidLabelName("job_id"));
  CHECK_FALSE(IsValidLabelName("__name__"));
  CHECK_FALSE(IsValidLabelName("job:id"));
  CHECK(IsValidLabelValue("caf\xC3\xA9"));
  CHECK(IsValidLabelValue(""));
  CHECK_FALSE(IsValidLabelValue("\xC3"));
  CHECK_FALSE(IsValidLabelValue("\xFF"));
  std::string escaped;
  AppendLabelValue("a\"b\\c\nd", &escaped);
  CHECK(escaped == "a\\\"b\\\\c\\nd");
  std::string help;
  AppendHelpText("one\\two\nthree \"quoted\"", &help);
  CHECK(help == "one\\\\two\\nthree \"quoted\"");
}

}  // namespace
}  // namespace replwatch::exposition

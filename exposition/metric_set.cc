#include "exposition/metric_set.h"

#include <cmath>
#include <unordered_set>

#include "exposition/text_format.h"

namespace replwatch {
namespace {

using exposition::AppendHelpText;
using exposition::AppendLabelValue;
using exposition::AppendSampleValue;

constexpr const char* kDroppedName = "replwatch_exposition_dropped_samples";
constexpr const char* kReasonNames[] = {"non_finite", "duplicate_series",
                                        "invalid_name", "invalid_label_value"};

double ValueOf(const prometheus::ClientMetric& metric,
               prometheus::MetricType type) {
  return type == prometheus::MetricType::Counter ? metric.counter.value
                                                 : metric.gauge.value;
}

// `{a="x",b="y"}` for a sample, or "" without labels; false if a label
// would make the scrape invalid.
bool LabelText(const prometheus::ClientMetric& metric, std::string* out,
               MetricSet::DropReason* reason) {
  out->clear();
  for (const auto& label : metric.label) {
    if (!exposition::IsValidLabelName(label.name)) {
      *reason = MetricSet::DropReason::kInvalidName;
      return false;
    }
    if (!exposition::IsValidLabelValue(label.value)) {
      *reason = MetricSet::DropReason::kInvalidLabelValue;
      return false;
    }
    out->append(out->empty() ? "{" : ",");
    out->append(label.name);
    out->append("=\"");
    AppendLabelValue(label.value, out);
    out->push_back('"');
  }
  if (!out->empty()) out->push_back('}');
  return true;
}

}  // namespace

prometheus::ClientMetric* MetricSet::Add(const std::string& name,
                                         std::string_view help,
                                         prometheus::MetricType type,
                                         const LabelList& labels,
                                         double value) {
  if (!std::isfinite(value)) {
    Drop(DropReason::kNonFinite);
    return nullptr;
  }
  auto [it, inserted] = families_.try_emplace(name);
  prometheus::MetricFamily& family = it->second;
  if (inserted) {
    family.name = name;
    family.help = std::string(help);
    family.type = type;
  }
  prometheus::ClientMetric& metric = family.metric.emplace_back();
  metric.label.reserve(labels.size());
  for (const auto& [label, label_value] : labels) {
    metric.label.push_back({label, label_value});
  }
  return &metric;
}

void MetricSet::Gauge(const std::string& name, std::string_view help,
                      const LabelList& labels, double value) {
  auto* metric = Add(name, help, prometheus::MetricType::Gauge, labels, value);
  if (metric != nullptr) metric->gauge.value = value;
}

void MetricSet::Counter(const std::string& name, std::string_view help,
                        const LabelList& labels, double value) {
  auto* metric =
      Add(name, help, prometheus::MetricType::Counter, labels, value);
  if (metric != nullptr) metric->counter.value = value;
}

void MetricSet::Drop(DropReason reason, std::size_t count) {
  dropped_[static_cast<std::size_t>(reason)] += count;
}

std::size_t MetricSet::series_count() const {
  std::size_t count = 0;
  for (const auto& [name, family] : families_) count += family.metric.size();
  return count;
}

void MetricSet::SerializeFamily(const prometheus::MetricFamily& family,
                                std::string* out) {
  if (!exposition::IsValidMetricName(family.name)) {
    Drop(DropReason::kInvalidName, family.metric.size());
    return;
  }
  const bool counter = family.type == prometheus::MetricType::Counter;
  out->append("# HELP ").append(family.name).push_back(' ');
  AppendHelpText(family.help, out);
  out->append("\n# TYPE ").append(family.name);
  out->append(counter ? " counter\n" : " gauge\n");
  std::unordered_set<std::string> seen;
  std::string labels;
  for (const auto& metric : family.metric) {
    DropReason reason;
    if (!LabelText(metric, &labels, &reason)) {
      Drop(reason);
      continue;
    }
    if (!seen.insert(labels).second) {
      Drop(DropReason::kDuplicateSeries);
      continue;
    }
    out->append(family.name).append(labels).push_back(' ');
    AppendSampleValue(ValueOf(metric, family.type), out);
    out->push_back('\n');
  }
}

std::string MetricSet::Serialize() {
  std::string out;
  for (const auto& [name, family] : families_) {
    if (name == kDroppedName) continue;  // written last, from the counts
    SerializeFamily(family, &out);
  }
  out.append("# HELP ").append(kDroppedName);
  out.append(
      " Samples left out of this exposition because Prometheus would have "
      "refused the whole scrape for them, by reason.\n# TYPE ");
  out.append(kDroppedName).append(" gauge\n");
  for (std::size_t i = 0; i < kDropReasons; ++i) {
    out.append(kDroppedName).append("{reason=\"");
    out.append(kReasonNames[i]).append("\"} ");
    AppendSampleValue(static_cast<double>(dropped_[i]), &out);
    out.push_back('\n');
  }
  return out;
}

}  // namespace replwatch

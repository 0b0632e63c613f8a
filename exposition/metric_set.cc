#include "collectors/metric_set.h"

#include <prometheus/text_serializer.h>

namespace replwatch {

prometheus::ClientMetric& MetricSet::Add(const std::string& name,
                                         std::string_view help,
                                         prometheus::MetricType type,
                                         const LabelList& labels) {
  auto [it, inserted] = families_.try_emplace(name);
  prometheus::MetricFamily& family = it->second;
  if (inserted) {
    family.name = name;
    family.help = std::string(help);
    family.type = type;
  }
  prometheus::ClientMetric& metric = family.metric.emplace_back();
  metric.label.reserve(labels.size());
  for (const auto& [label, value] : labels) {
    metric.label.push_back({label, value});
  }
  return metric;
}

void MetricSet::Gauge(const std::string& name, std::string_view help,
                      const LabelList& labels, double value) {
  Add(name, help, prometheus::MetricType::Gauge, labels).gauge.value = value;
}

void MetricSet::Counter(const std::string& name, std::string_view help,
                        const LabelList& labels, double value) {
  Add(name, help, prometheus::MetricType::Counter, labels).counter.value =
      value;
}

std::size_t MetricSet::series_count() const {
  std::size_t count = 0;
  for (const auto& [name, family] : families_) count += family.metric.size();
  return count;
}

std::string MetricSet::Serialize() const {
  std::vector<prometheus::MetricFamily> families;
  families.reserve(families_.size());
  for (const auto& [name, family] : families_) families.push_back(family);
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace replwatch

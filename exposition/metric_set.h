#pragma once

#include <prometheus/metric_family.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replwatch {

using LabelList = std::vector<std::pair<std::string, std::string>>;

/// Samples gathered for one exposition, grouped by family so every family
/// is written exactly once (prometheus-cpp's serializer does not merge
/// duplicates). Families come out sorted by name.
class MetricSet {
 public:
  void Gauge(const std::string& name, std::string_view help,
             const LabelList& labels, double value);
  void Counter(const std::string& name, std::string_view help,
               const LabelList& labels, double value);

  std::size_t series_count() const;
  /// Prometheus text format 0.0.4.
  std::string Serialize() const;

 private:
  prometheus::ClientMetric& Add(const std::string& name, std::string_view help,
                                prometheus::MetricType type,
                                const LabelList& labels);

  std::map<std::string, prometheus::MetricFamily> families_;
};

}  // namespace replwatch

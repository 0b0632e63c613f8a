#pragma once

#include <prometheus/metric_family.h>

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replwatch {

using LabelList = std::vector<std::pair<std::string, std::string>>;

/// `labels` with one more label appended.
inline LabelList With(LabelList labels, std::string name, std::string value) {
  labels.emplace_back(std::move(name), std::move(value));
  return labels;
}

/// Samples gathered for one exposition, grouped by family so every family
/// is written exactly once. Families come out sorted by name, then the
/// count of dropped samples. A sample
/// Prometheus would refuse, and with it the whole scrape, is dropped
/// instead and counted in replwatch_exposition_dropped_samples{reason}: a
/// value that is not finite, a second series with the same labels, an
/// invalid name or a label value that is not UTF-8.
class MetricSet {
 public:
  enum class DropReason {
    kNonFinite,
    kDuplicateSeries,
    kInvalidName,
    kInvalidLabelValue,
  };
  static constexpr std::size_t kDropReasons = 4;

  void Gauge(const std::string& name, std::string_view help,
             const LabelList& labels, double value);
  void Counter(const std::string& name, std::string_view help,
               const LabelList& labels, double value);

  std::size_t series_count() const;
  /// Prometheus text format 0.0.4. Counts what it drops (see dropped()).
  std::string Serialize();
  /// Samples dropped so far, by reason, as Serialize() reports them.
  const std::array<std::size_t, kDropReasons>& dropped() const {
    return dropped_;
  }

 private:
  prometheus::ClientMetric* Add(const std::string& name, std::string_view help,
                                prometheus::MetricType type,
                                const LabelList& labels, double value);
  void Drop(DropReason reason, std::size_t count = 1);
  void SerializeFamily(const prometheus::MetricFamily& family,
                       std::string* out);

  std::map<std::string, prometheus::MetricFamily> families_;
  std::array<std::size_t, kDropReasons> dropped_{};
};

}  // namespace replwatch

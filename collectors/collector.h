#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/metric_set.h"
#include "config/config.h"
#include "transport/transport.h"

namespace replwatch {

/// Parsed state a collector found on one node. Immutable once published;
/// renders its own series. The node's `pve_cluster`/`node` labels are given.
class Facts {
 public:
  virtual ~Facts() = default;
  virtual void Render(const LabelList& node_labels, MetricSet& out) const = 0;
};

/// A collector failed for a reason other than the transport (bad output,
/// unexpected exit status). The message is for the log, not a label.
class CollectorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One kind of check on one node: runs allow-listed commands through the
/// node's transport and parses their output with pure parsers.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual std::string_view name() const = 0;
  /// Blocking; runs on the node's worker. Throws TransportError,
  /// CollectorError or a parser's error on failure.
  virtual std::shared_ptr<const Facts> Collect(Transport& transport,
                                               const NodeConfig& node) = 0;
};

/// Every collector replwatch has, in a fixed order (explicit registry: no
/// static self-registration that a linker could silently drop).
std::vector<std::unique_ptr<Collector>> MakeAllCollectors();

/// Their names, for config validation.
std::vector<std::string> AllCollectorNames();

}  // namespace replwatch

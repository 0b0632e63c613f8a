#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "exposition/metric_set.h"
#include "state/first_sightings.h"
#include "text/parse_error.h"
#include "transport/transport.h"

namespace replwatch {

/// "Now" for collectors that need it, in epoch seconds: the system clock in
/// the daemon, a fixed one in tests and the golden exposition.
using Clock = std::function<double()>;

inline double SystemClockSeconds() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Parsed state a collector found on one node. Immutable once published;
/// renders its own series. The node's `pve_cluster`/`node` labels are given.
class Facts {
 public:
  virtual ~Facts() = default;
  virtual void Render(const LabelList& node_labels, MetricSet& out) const = 0;

  /// What the run met but could work around (a line it skipped, a probe
  /// that failed). Never labels; the daemon logs them when they change and
  /// counts them in replwatch_collector_warnings.
  text::ParseWarnings warnings;

  /// Items left out because a node reported more than a cap allows, by kind
  /// ("pools", "vdevs", "interfaces", ...; snake_case, it is a label value):
  /// the series stay bounded and
  /// replwatch_collector_items_over_cap says what is missing.
  std::map<std::string, std::size_t> over_cap;

  /// Records `count` items of `kind` left out over `cap`, with a warning.
  void LeaveOut(const std::string& kind, std::size_t count, std::size_t cap) {
    over_cap[kind] += count;
    warnings.Add(std::to_string(count) + " " + kind + " over the cap of " +
                 std::to_string(cap) + " left out");
  }
};

/// A collector failed for a reason other than the transport (bad output,
/// unexpected exit status). The message is for the log, not a label.
class CollectorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Another node of the same cluster, as configured.
struct PeerNode {
  std::string name;
  std::string address;
};

/// What a collector may know besides its own commands' output.
struct CollectContext {
  const NodeConfig& node;
  /// The other nodes of the node's cluster (for node-to-node checks).
  const std::vector<PeerNode>& peers;
  /// The latest successful facts of another collector on this node (null if
  /// it has not succeeded yet). Collectors of one node run one at a time.
  std::function<std::shared_ptr<const Facts>(std::string_view collector)>
      latest;
  /// When things were first seen (kept across restarts when the daemon has
  /// a state directory), shared by every node.
  FirstSightings& first_sightings;

  /// This node's scope of first sightings of `what` ("resume_tokens").
  std::string SightingScope(std::string_view what) const {
    return node.cluster + "/" + node.name + "/" + std::string(what);
  }

  /// The latest facts of T's collector (T::kCollector) on this node, or null.
  template <typename T>
  std::shared_ptr<const T> Latest() const {
    return std::dynamic_pointer_cast<const T>(latest(T::kCollector));
  }
};

/// One kind of check on one node: runs allow-listed commands through the
/// node's transport and parses their output with pure parsers.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual std::string_view name() const = 0;
  /// Blocking; runs on the node's worker. Throws TransportError,
  /// CollectorError or a parser's error on failure.
  virtual std::shared_ptr<const Facts> Collect(
      Transport& transport, const CollectContext& context) = 0;
};

/// Every collector replwatch has, in a fixed order (explicit registry: no
/// static self-registration that a linker could silently drop).
std::vector<std::unique_ptr<Collector>> MakeAllCollectors(
    const Clock& now = SystemClockSeconds);

/// Their names, for config validation.
std::vector<std::string> AllCollectorNames();

}  // namespace replwatch

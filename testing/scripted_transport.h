#pragma once

#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "collectors/collector.h"
#include "transport/transport.h"

namespace replwatch::testing {

/// A transport for collector unit tests: answers each allow-listed command
/// (by its full argv joined with spaces) with a canned result or failure,
/// and records what was run so tests can count remote commands.
class ScriptedTransport : public Transport {
 public:
  /// Answer `argv_line` (e.g. "zpool list -Hp -o name,...") with `out`.
  void Answer(const std::string& argv_line, std::string out,
              int exit_status = 0, std::string err = "");
  void Fail(const std::string& argv_line, TransportFailure failure);

  CommandResult Run(const RemoteCommand& command) override;
  void Cancel() override {}

  const std::vector<std::string>& commands_run() const { return run_; }

 private:
  struct Reply {
    CommandResult result;
    std::optional<TransportFailure> failure;
  };
  std::map<std::string, Reply> replies_;
  std::vector<std::string> run_;
};

/// A CollectContext for one node with no peers and no other facts, unless
/// given.
struct TestContext {
  NodeConfig node;
  std::vector<PeerNode> peers;
  std::map<std::string, std::shared_ptr<const Facts>> latest;
  /// Memory only, kept across Get()s: one daemon's lifetime.
  std::shared_ptr<FirstSightings> first_sightings =
      std::make_shared<FirstSightings>();
  /// `facts` as the latest of their collector (T::kCollector).
  template <typename T>
  void Set(std::shared_ptr<T> facts) {
    latest[std::string(std::remove_const_t<T>::kCollector)] = std::move(facts);
  }
  CollectContext Get() const;
};

/// Renders `facts` with pve_cluster="lab", node=<node> labels: their own
/// series, without the drop counts that end every exposition.
std::string RenderText(const Facts& facts, const std::string& node = "pve1");

}  // namespace replwatch::testing

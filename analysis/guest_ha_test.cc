#include "analysis/guest_ha.h"

#include "collectors/ha.h"
#include "collectors/jobs.h"
#include "testing/catch.h"
#include "testing/exposition_checks.h"

namespace replwatch {
namespace {

using parsers::HaNodeAffinity;
using parsers::HaResource;
using testing::SampleValue;

// Three nodes; guest 100 runs on pve1 and is replicated to pve2 only.
struct Cluster {
  std::map<std::uint64_t, HaResource> resources = {
      {100, {"vm", "started", ""}}};
  std::map<std::string, HaNodeAffinity> groups;
  std::vector<HaNodeAffinity> rules;
  bool ha_read = true;
  std::vector<std::string> members;  // pve1's /etc/pve/.members

  std::string Render() const {
    ClusterView view("lab", 0);
    auto jobs = std::make_shared<JobsFacts>();
    JobFacts& job = jobs->jobs.emplace_back();
    job.state.id = "100-0";
    job.state.guest = 100;
    job.state.source = "pve1";
    job.state.target = "pve2";
    jobs->cluster_members = members;
    view.Add("pve1", jobs);
    for (const char* node : {"pve1", "pve2", "pve3"}) {
      auto ha = std::make_shared<HaFacts>();
      ha->guests = PlaceHaGuests(resources, groups, rules);
      if (ha_read) view.Add(node, ha);
    }
    MetricSet out;
    RenderGuestHa(view, out);
    return out.Serialize();
  }
};

const char* const kManaged =
    "replwatch_guest_ha_managed{pve_cluster=\"lab\",guest=\"100\"}";
const char* const kOnPve3 =
    "replwatch_guest_ha_node_without_replica{pve_cluster=\"lab\",guest="
    "\"100\",node=\"pve3\"}";

TEST_CASE("HA may recover a guest onto a node without its replica",
          "[guest_ha]") {
  Cluster cluster;
  SECTION("no rule: any node") {
    const std::string text = cluster.Render();
    CHECK(SampleValue(text, kManaged) == 1);
    CHECK(SampleValue(text, kOnPve3) == 1);
    CHECK(text.find("node=\"pve2\"") == std::string::npos);  // its target
  }
  SECTION("no rule: also a node of the cluster replwatch does not watch") {
    cluster.members = {"pve1", "pve2", "pve3", "pve4"};
    const std::string text = cluster.Render();
    CHECK(SampleValue(text, kOnPve3) == 1);
    CHECK(SampleValue(text,
                      "replwatch_guest_ha_node_without_replica{pve_cluster="
                      "\"lab\",guest=\"100\",node=\"pve4\"}") == 1);
  }
  SECTION("a strict rule to the source and its target") {
    cluster.rules.push_back({{{"pve1", 0}, {"pve2", 0}}, true, {100}});
    CHECK_FALSE(SampleValue(cluster.Render(), kOnPve3));
  }
  SECTION("preferred nodes still fall back to any other") {
    cluster.rules.push_back({{{"pve1", 0}, {"pve2", 0}}, false, {100}});
    CHECK(SampleValue(cluster.Render(), kOnPve3) == 1);
  }
  SECTION("two rules for one guest: PVE drops both") {
    cluster.rules.push_back({{{"pve1", 0}, {"pve2", 0}}, true, {100}});
    cluster.rules.push_back({{{"pve2", 0}}, true, {100}});
    CHECK(SampleValue(cluster.Render(), kOnPve3) == 1);
  }
  SECTION("a PVE 8 restricted group") {
    cluster.resources[100].group = "pair";
    cluster.groups["pair"] = {{{"pve1", 2}, {"pve2", 1}}, true, {}};
    CHECK_FALSE(SampleValue(cluster.Render(), kOnPve3));
    cluster.groups["pair"].nodes["pve3"] = 0;
    CHECK(SampleValue(cluster.Render(), kOnPve3) == 1);
  }
  SECTION("a strict rule that allows a node without replica") {
    cluster.rules.push_back({{{"pve2", 0}, {"pve3", 0}}, true, {100}});
    CHECK(SampleValue(cluster.Render(), kOnPve3) == 1);
  }
}

TEST_CASE("guests HA does not move are not HA-managed", "[guest_ha]") {
  Cluster cluster;
  for (const char* state : {"disabled", "ignored"}) {
    cluster.resources[100].state = state;
    const std::string text = cluster.Render();
    CHECK(SampleValue(text, kManaged) == 0);
    CHECK_FALSE(SampleValue(text, kOnPve3));
  }
  cluster.resources[100].state = "stopped";  // its config moves
  CHECK(SampleValue(cluster.Render(), kManaged) == 1);
  cluster.resources.clear();
  CHECK(SampleValue(cluster.Render(), kManaged) == 0);
  cluster.ha_read = false;  // unknown: no series
  const std::string unknown = cluster.Render();
  CHECK(unknown.find("replwatch_guest_ha") == std::string::npos);
}

}  // namespace
}  // namespace replwatch

#include "daemon/collection_state.h"

#include <boost/asio/thread_pool.hpp>

#include "collectors/jobs.h"
#include "testing/captured_log.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

class FixedFacts : public Facts {
 public:
  void Render(const LabelList& labels, MetricSet& out) const override {
    out.Gauge("replwatch_test_fact", "Test.", labels, 42);
  }
};

NodeConfig Node(const std::string& name) {
  NodeConfig node;
  node.cluster = "lab";
  node.name = name;
  node.address = "198.18.0.11";
  return node;
}

CollectionOutcome Success() {
  CollectionOutcome outcome;
  outcome.success = true;
  outcome.node_reachable = true;
  outcome.finished =
      std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  outcome.facts = std::make_shared<FixedFacts>();
  return outcome;
}

CollectionOutcome Refused() {
  CollectionOutcome outcome;
  outcome.failure = TransportFailure::kConnect;
  outcome.error = "connection refused";
  return outcome;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Fixture {
  std::shared_ptr<boost::asio::thread_pool> pool =
      std::make_shared<boost::asio::thread_pool>(1);
  GlobalSettings global;
  CollectionState state;
  std::vector<std::shared_ptr<NodeWorker>> workers;
  void SetNodes(std::vector<std::string> names) {
    workers.clear();
    for (const auto& name : names) {
      workers.push_back(std::make_shared<NodeWorker>(
          Node(name), std::vector<PeerNode>{}, global, pool,
          std::make_shared<FirstSightings>()));
    }
    state.SetNodes(workers);
  }
  std::size_t JobsIndex() const {
    std::size_t index = 0;
    while (workers[0]->collector_name(index) != JobsFacts::kCollector) ++index;
    return index;
  }
  // The jobs collector's result on `node`: jobs `ids` to `target`.
  CollectionOutcome JobList(const std::string& node,
                            const std::vector<std::string>& ids,
                            const std::string& target) const {
    CollectionOutcome listed = Success();
    listed.collector_index = JobsIndex();
    auto jobs = std::make_shared<JobsFacts>();
    jobs->node = node;
    for (const auto& id : ids) {
      JobFacts job;
      job.state.id = id;
      job.state.guest = std::stoull(id.substr(0, id.find('-')));
      job.state.source = node;
      job.state.target = target;
      jobs->jobs.push_back(job);
    }
    listed.facts = jobs;
    return listed;
  }
};

TEST_CASE("a failed collector's series disappear, its last success stays",
          "[state]") {
  Fixture f;
  f.SetNodes({"pve1"});
  CHECK_FALSE(Contains(f.state.Exposition(), "replwatch_node_up"));
  f.state.Record(Node("pve1"), Success());
  std::string text = f.state.Exposition();
  CHECK(Contains(text,
                 "replwatch_test_fact{pve_cluster=\"lab\",node=\"pve1\"} 42"));
  CHECK(
      Contains(text, "replwatch_node_up{pve_cluster=\"lab\",node=\"pve1\"} 1"));
  CHECK(Contains(text,
                 "replwatch_collector_success{pve_cluster=\"lab\","
                 "node=\"pve1\",collector=\"node\"} 1"));

  CollectionOutcome failure;
  failure.failure = TransportFailure::kTimeout;
  failure.error = "timed out";
  failure.node_reachable = true;
  f.state.Record(Node("pve1"), failure);
  text = f.state.Exposition();
  CHECK_FALSE(Contains(text, "replwatch_test_fact"));
  CHECK(Contains(text,
                 "replwatch_collector_success{pve_cluster=\"lab\","
                 "node=\"pve1\",collector=\"node\"} 0"));
  CHECK(Contains(text,
                 "replwatch_collector_last_success_timestamp_seconds{"
                 "pve_cluster=\"lab\",node=\"pve1\",collector=\"node\"} "
                 "1700000000"));
}

TEST_CASE("a down node's jobs stay known from its last job list", "[state]") {
  Fixture f;
  f.SetNodes({"pve1"});
  const std::size_t jobs_index = f.JobsIndex();
  const CollectionOutcome listed = f.JobList("pve1", {"100-0"}, "pve2");
  f.state.Record(Node("pve1"), listed);
  const std::string series =
      "replwatch_job_source_unreachable_since_timestamp_seconds{pve_cluster="
      "\"lab\",job_id=\"100-0\",guest=\"100\",source=\"pve1\",target="
      "\"pve2\"} 1700000000";
  CHECK_FALSE(Contains(f.state.Exposition(), series));

  CollectionOutcome down;
  down.collector_index = jobs_index;
  down.failure = TransportFailure::kConnect;
  f.state.Record(Node("pve1"), down);
  const std::string text = f.state.Exposition();
  CHECK(Contains(text, series));
  // Only that: the job's own series are of a node that cannot be read.
  CHECK_FALSE(Contains(text, "replwatch_job_enabled"));

  f.state.Record(Node("pve1"), listed);
  CHECK_FALSE(Contains(f.state.Exposition(), series));
}

TEST_CASE("the cluster analysis is computed once per change of the facts",
          "[state]") {
  Fixture f;
  f.SetNodes({"pve1"});
  f.state.Record(Node("pve1"), f.JobList("pve1", {"100-0"}, "pve2"));

  const auto first = f.state.Analyses();
  REQUIRE(first->size() == 1);
  REQUIRE(first->at(0).jobs.size() == 1);
  CHECK(first->at(0).jobs[0].job->state.id == "100-0");
  // Scrapes and status page loads between collections share it.
  f.state.Exposition();
  CHECK(f.state.Analyses() == first);

  // A new result is a change: the analysis is of the new facts.
  f.state.Record(Node("pve1"), f.JobList("pve1", {}, "pve2"));
  const auto second = f.state.Analyses();
  CHECK(second != first);
  CHECK(second->at(0).jobs.empty());
  // The first stays whole for whoever still holds it.
  CHECK(first->at(0).jobs[0].job->state.id == "100-0");
}

TEST_CASE("a down node's job that another node lists now is not kept",
          "[state]") {
  // HA recovered guest 100 from pve1 onto pve2: pve2 lists job 100-0 now
  // (switched to pve2 -> pve1); pve1's last list still has it, and 101-0.
  Fixture f;
  f.SetNodes({"pve1", "pve2"});
  const std::size_t jobs_index = f.JobsIndex();
  f.state.Record(Node("pve1"), f.JobList("pve1", {"100-0", "101-0"}, "pve2"));
  CollectionOutcome down;
  down.collector_index = jobs_index;
  down.failure = TransportFailure::kConnect;
  f.state.Record(Node("pve1"), down);
  const std::string kept_101 =
      "replwatch_job_source_unreachable_since_timestamp_seconds{pve_cluster="
      "\"lab\",job_id=\"101-0\",guest=\"101\",source=\"pve1\"";
  const std::string kept_100 =
      "replwatch_job_source_unreachable_since_timestamp_seconds{pve_cluster="
      "\"lab\",job_id=\"100-0\",guest=\"100\",source=\"pve1\"";
  CHECK(Contains(f.state.Exposition(), kept_100));

  f.state.Record(Node("pve2"), f.JobList("pve2", {"100-0"}, "pve1"));
  const std::string text = f.state.Exposition();
  CHECK_FALSE(Contains(text, kept_100));
  CHECK(Contains(text, kept_101));
  CHECK(Contains(text,
                 "replwatch_job_enabled{pve_cluster=\"lab\",job_id="
                 "\"100-0\",guest=\"100\",source=\"pve2\""));
}

TEST_CASE("a run cancelled by shutdown changes nothing", "[state]") {
  Fixture f;
  f.SetNodes({"pve1"});
  CollectionOutcome down;
  down.failure = TransportFailure::kConnect;
  f.state.Record(Node("pve1"), down);
  const std::string before = f.state.Exposition();
  REQUIRE(Contains(before,
                   "replwatch_node_up{pve_cluster=\"lab\",node=\"pve1\"} 0"));
  CollectionOutcome cancelled;
  cancelled.failure = TransportFailure::kCancelled;
  cancelled.node_reachable = true;  // not a connection failure, yet no news
  f.state.Record(Node("pve1"), cancelled);
  CHECK(f.state.Exposition() == before);
}

TEST_CASE("a changed host key stays flagged while the node backs off",
          "[state]") {
  Fixture f;
  f.SetNodes({"pve1"});
  CollectionOutcome changed;
  changed.failure = TransportFailure::kHostKeyChanged;
  f.state.Record(Node("pve1"), changed);
  CollectionOutcome backing_off;
  backing_off.failure = TransportFailure::kConnect;
  f.state.Record(Node("pve1"), backing_off);
  std::string text = f.state.Exposition();
  CHECK(Contains(text,
                 "replwatch_ssh_host_key_changed{pve_cluster=\"lab\","
                 "node=\"pve1\"} 1"));
  CHECK(
      Contains(text, "replwatch_node_up{pve_cluster=\"lab\",node=\"pve1\"} 0"));
  f.state.Record(Node("pve1"), Success());
  CHECK(Contains(f.state.Exposition(),
                 "replwatch_ssh_host_key_changed{pve_cluster=\"lab\","
                 "node=\"pve1\"} 0"));
}

TEST_CASE("removed nodes vanish, kept nodes keep their results", "[state]") {
  Fixture f;
  f.SetNodes({"pve1", "pve2"});
  f.state.Record(Node("pve1"), Success());
  f.state.Record(Node("pve2"), Success());
  f.SetNodes({"pve2"});
  const std::string text = f.state.Exposition();
  CHECK_FALSE(Contains(text, "node=\"pve1\""));
  CHECK(Contains(text,
                 "replwatch_test_fact{pve_cluster=\"lab\",node=\"pve2\"} 42"));
  // A late result for the removed node is dropped.
  f.state.Record(Node("pve1"), Success());
  CHECK_FALSE(Contains(f.state.Exposition(), "node=\"pve1\""));
}

TEST_CASE("the shard and what it owns are exported, also when it is empty",
          "[state]") {
  Fixture f;
  f.state.SetShard({ShardSpec{1, 3}, 4});
  f.SetNodes({});
  const std::string empty = f.state.Exposition();
  CHECK(Contains(empty, "replwatch_shard_info{shard=\"1\",shards=\"3\"} 1"));
  CHECK(Contains(empty, "replwatch_shard_configured_clusters 4"));
  CHECK(Contains(empty, "replwatch_shard_owned_clusters 0"));
  CHECK(Contains(empty, "replwatch_shard_owned_nodes 0"));
  f.SetNodes({"pve1", "pve2"});
  const std::string owning = f.state.Exposition();
  CHECK(Contains(owning, "replwatch_shard_owned_clusters 1"));
  CHECK(Contains(owning, "replwatch_shard_owned_nodes 2"));
}

TEST_CASE("failures are logged when they start or change, not every run",
          "[state]") {
  testing::CapturedLog log;
  Fixture f;
  f.SetNodes({"pve1"});
  const auto warnings = [&log](const std::string& text) {
    return log.CountContaining("[warning] node lab/pve1 " + text);
  };
  CollectionOutcome refused = Refused();
  for (std::size_t run = 0; run < 3; ++run) {
    for (std::size_t i = 0; i < f.workers[0]->collector_count(); ++i) {
      refused.collector_index = i;
      f.state.Record(Node("pve1"), refused);
    }
  }
  CHECK(warnings("is DOWN: connection refused") == 1);
  CHECK(warnings("collector") == 0);

  CollectionOutcome broken;
  broken.node_reachable = true;
  broken.error = "line 3: bad guid";
  f.state.Record(Node("pve1"), broken);
  f.state.Record(Node("pve1"), broken);
  CHECK(log.CountContaining("[info] node lab/pve1 is up") == 1);
  CHECK(warnings("collector node failed: line 3: bad guid") == 1);
  broken.error = "line 4: bad guid";
  f.state.Record(Node("pve1"), broken);
  CHECK(warnings("collector node failed: line 4: bad guid") == 1);
  f.state.Record(Node("pve1"), Success());
  CHECK(log.CountContaining("[info] node lab/pve1 collector node recovered") ==
        1);
  f.state.Record(Node("pve1"), refused);
  CHECK(warnings("is DOWN: connection refused") == 2);
}

TEST_CASE("a run that touched no node leaves a down node down", "[state]") {
  testing::CapturedLog log;
  Fixture f;
  f.SetNodes({"pve1"});
  CollectionOutcome refused = Refused();
  f.state.Record(Node("pve1"), refused);
  CollectionOutcome untouched = Success();
  untouched.node_untouched = true;
  f.state.Record(Node("pve1"), untouched);
  const std::string text = f.state.Exposition();
  CHECK(
      Contains(text, "replwatch_node_up{pve_cluster=\"lab\",node=\"pve1\"} 0"));
  CHECK(log.CountContaining("node lab/pve1 is up") == 0);
  // Its own result counts.
  CHECK(Contains(text, "replwatch_test_fact"));
}

TEST_CASE(
    "a down node that fails another way is logged again, not while it "
    "backs off",
    "[state]") {
  testing::CapturedLog log;
  Fixture f;
  f.SetNodes({"pve1"});
  CollectionOutcome refused = Refused();
  f.state.Record(Node("pve1"), refused);
  CollectionOutcome backing_off = refused;
  backing_off.backing_off = true;
  backing_off.error = "connection refused (next connection attempt in 2s)";
  f.state.Record(Node("pve1"), backing_off);
  // sshd is back with another key.
  CollectionOutcome changed;
  changed.failure = TransportFailure::kHostKeyChanged;
  changed.error = "HOST KEY CHANGED for 198.18.0.11";
  f.state.Record(Node("pve1"), changed);
  backing_off.error = "HOST KEY CHANGED for 198.18.0.11 (next connection ...)";
  f.state.Record(Node("pve1"), backing_off);
  f.state.Record(Node("pve1"), changed);
  CHECK(log.CountContaining("[warning] node lab/pve1 is DOWN: connection "
                            "refused") == 1);
  CHECK(log.CountContaining("[warning] node lab/pve1 is DOWN: HOST KEY "
                            "CHANGED") == 1);
  CHECK(log.CountContaining("next connection") == 0);
}

}  // namespace
}  // namespace replwatch

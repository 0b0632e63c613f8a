#include "collectors/job_status.h"

#include "testing/catch.h"

namespace replwatch::jobs {
namespace {

// One node's files; the node is pve1 unless a test says otherwise.
struct NodeFiles {
  std::string replication_cfg;
  std::map<std::uint64_t, parsers::GuestPlacement> guests;
  std::string state_json = "{}";
  std::map<std::string, bool> online = {
      {"pve1", true}, {"pve2", true}, {"pve3", true}};
  std::string node = "pve1";
  std::int64_t utc_offset_seconds = 0;

  std::vector<ReplicationJobState> Status() const {
    const parsers::ReplicationConfig config =
        parsers::ParseReplicationConfig(replication_cfg);
    const parsers::ReplicationStateFile state =
        parsers::ParseReplicationState(state_json);
    return JobStatus({config, guests, state, online, node, utc_offset_seconds});
  }
};

std::vector<std::string> Ids(const std::vector<ReplicationJobState>& jobs) {
  std::vector<std::string> ids;
  for (const auto& job : jobs) ids.push_back(job.id);
  return ids;
}

TEST_CASE("job status lists the jobs of the node's own guests",
          "[job_status]") {
  NodeFiles files;
  files.replication_cfg =
      "local: 101-0\n\ttarget pve2\n\tsource pve1\n\n"
      "local: 1000-0\n\ttarget pve3\n\tsource pve1\n\tdisable\n\n"
      "local: 200-0\n\ttarget pve1\n\tsource pve2\n\n"
      "local: 300-0\n\ttarget pve2\n\tsource pve1\n";
  files.guests = {{101, {"pve1", "lxc"}},
                  {1000, {"pve1", "qemu"}},
                  {200, {"pve2", "qemu"}}};  // 300 no longer exists
  const auto jobs = files.Status();
  // Perl's sort of the ids' text; disabled jobs are listed (job_status(1)).
  REQUIRE(Ids(jobs) == std::vector<std::string>{"1000-0", "101-0"});
  CHECK(jobs[0].disabled);
  CHECK(jobs[0].vmtype == "qemu");
  CHECK(jobs[1].vmtype == "lxc");
  CHECK(jobs[1].source == "pve1");
  CHECK(jobs[1].schedule == "*/15");
  CHECK(jobs[1].schedule_is_default);
}

TEST_CASE("job status: no source means this node", "[job_status]") {
  NodeFiles files;
  files.replication_cfg = "local: 100-0\n\ttarget pve2\n";
  files.guests = {{100, {"pve1", "qemu"}}};
  const auto jobs = files.Status();
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].source == "pve1");
}

TEST_CASE("job status: a guest recovered here has its jobs switched",
          "[job_status]") {
  // HA started 100 on pve2 after pve1 died; the config still says pve1 ->
  // pve2. job_status would write the switch; the listing shows it.
  NodeFiles files;
  files.node = "pve2";
  files.replication_cfg =
      "local: 100-0\n\ttarget pve2\n\tsource pve1\n\n"
      "local: 100-1\n\ttarget pve3\n\tsource pve1\n";
  files.guests = {{100, {"pve2", "qemu"}}};
  files.state_json =
      R"({"100":{"local/pve1":{"last_sync":1700000000,"last_try":1700000000,)"
      R"("fail_count":0}}})";
  const auto jobs = files.Status();
  REQUIRE(Ids(jobs) == std::vector<std::string>{"100-0", "100-1"});
  CHECK(jobs[0].target == "pve1");
  CHECK(jobs[0].source == "pve2");
  CHECK(jobs[0].last_sync == 1700000000);  // the state of local/pve1
  CHECK(jobs[1].target == "pve3");
  CHECK(jobs[1].source == "pve2");
  CHECK(jobs[1].last_sync == 0);
}

TEST_CASE("job status: a job to this node is listed only for its removal",
          "[job_status]") {
  NodeFiles files;
  files.replication_cfg =
      "local: 100-0\n\ttarget pve1\n\tsource pve1\n\n"
      "local: 101-0\n\ttarget pve1\n\tsource pve1\n\tremove_job full\n";
  files.guests = {{100, {"pve1", "qemu"}}, {101, {"pve1", "qemu"}}};
  const auto jobs = files.Status();
  REQUIRE(Ids(jobs) == std::vector<std::string>{"101-0"});
  CHECK(jobs[0].remove_job == "full");
  CHECK(jobs[0].next_sync == 1);
}

TEST_CASE("job status: the next run from the schedule, in the node's zone",
          "[job_status]") {
  NodeFiles files;
  files.replication_cfg =
      "local: 100-0\n\ttarget pve2\n\n"
      "local: 101-0\n\ttarget pve2\n\tschedule 02:00\n\n"
      "local: 102-0\n\ttarget pve2\n";
  files.guests = {{100, {"pve1", "qemu"}},
                  {101, {"pve1", "qemu"}},
                  {102, {"pve1", "qemu"}}};
  // 1700000000 is 2023-11-14 22:13:20 UTC, 23:13:20 on a node at +0100.
  files.state_json =
      R"({"100":{"local/pve2":{"last_try":1700000000,"last_sync":1700000000}},)"
      R"("101":{"local/pve2":{"last_try":1700000000,"last_sync":1700000000}}})";
  files.utc_offset_seconds = 3600;
  const auto jobs = files.Status();
  REQUIRE(jobs.size() == 3);
  CHECK(jobs[0].next_sync == 1700000100);  // 22:15 UTC
  CHECK(jobs[1].next_sync == 1700010000);  // 02:00 local = 01:00 UTC
  CHECK_FALSE(jobs[1].schedule_is_default);
  CHECK(jobs[2].next_sync == 900);  // never tried: the first event after 0
}

TEST_CASE("job status: a failing job retries after 5, 10, 15, then 30 min",
          "[job_status]") {
  NodeFiles files;
  files.replication_cfg =
      "local: 100-0\n\ttarget pve2\n\n"
      "local: 101-0\n\ttarget pve2\n\n"
      "local: 102-0\n\ttarget pve3\n";
  files.guests = {{100, {"pve1", "qemu"}},
                  {101, {"pve1", "qemu"}},
                  {102, {"pve1", "qemu"}}};
  files.state_json =
      R"({"100":{"local/pve2":{"last_try":1700000000,"fail_count":3,)"
      R"("error":"boom"}},)"
      R"("101":{"local/pve2":{"last_try":1700000000,"fail_count":4}},)"
      R"("102":{"local/pve3":{"last_try":1700000000,"fail_count":1}}})";
  files.online["pve3"] = false;
  const auto jobs = files.Status();
  REQUIRE(jobs.size() == 3);
  CHECK(jobs[0].next_sync == 1700000000 + 15 * 60);
  CHECK(jobs[0].error == "boom");
  CHECK(jobs[1].next_sync == 1700000000 + 30 * 60);
  CHECK(jobs[2].next_sync == 0);  // its target is offline: not retried
}

TEST_CASE("job status: a run is listed with its pid only with its start time",
          "[job_status]") {
  NodeFiles files;
  files.replication_cfg =
      "local: 100-0\n\ttarget pve2\n\nlocal: 101-0\n\ttarget pve2\n";
  files.guests = {{100, {"pve1", "qemu"}}, {101, {"pve1", "qemu"}}};
  files.state_json = R"({"100":{"local/pve2":{"pid":4242,"ptime":"1234567"}},)"
                     R"("101":{"local/pve2":{"pid":4243}}})";
  const auto jobs = files.Status();
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].pid == 4242);
  CHECK_FALSE(jobs[1].pid.has_value());
}

}  // namespace
}  // namespace replwatch::jobs

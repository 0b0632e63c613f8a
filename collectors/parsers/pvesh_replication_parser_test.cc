#include "collectors/parsers/pvesh_replication_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("pvesh replication JSON with strings, numbers and flags",
          "[pvesh_replication]") {
  const ReplicationStatus status = ParsePveshReplication(
      testing::ReadTestdata("pvesh-replication-mixed.json"));
  CHECK(status.warnings.empty());
  REQUIRE(status.jobs.size() == 3);

  const ReplicationJobState& a = status.jobs[0];
  CHECK(a.id == "100-0");
  CHECK(a.guest == 100u);
  CHECK(a.jobnum == 0u);
  CHECK(a.disabled);
  CHECK(a.schedule == "*/5");
  CHECK_FALSE(a.schedule_is_default);
  CHECK(a.rate_mbps == Approx(10.0));
  CHECK(a.duration_seconds == Approx(3.554485));
  CHECK(a.last_sync == 1700000000);
  CHECK(a.next_sync == 1700000900);
  CHECK(a.source == "pve1");
  CHECK(a.target == "pve2");
  CHECK(a.vmtype == "qemu");
  CHECK_FALSE(a.error.has_value());
  CHECK_FALSE(a.syncing());

  const ReplicationJobState& b = status.jobs[1];
  CHECK(b.guest == 104u);
  CHECK(b.fail_count == 4u);
  CHECK(b.last_sync == 1736500000);
  CHECK(b.next_sync == 0);
  CHECK_FALSE(b.disabled);
  CHECK(b.schedule == "*/15");
  CHECK(b.schedule_is_default);
  REQUIRE(b.error.has_value());
  CHECK(b.error->find("\nPlease remove") != std::string::npos);

  const ReplicationJobState& c = status.jobs[2];
  CHECK(c.syncing());
  CHECK(c.pid == 48213);
  CHECK(c.disabled);
  CHECK(c.comment == "nightly: DB");
  CHECK(c.remove_job == "full");
  CHECK_FALSE(c.duration_seconds.has_value());
}

TEST_CASE("pvesh replication: disable as \"1\" and 0", "[pvesh_replication]") {
  const auto s = ParsePveshReplication(
      R"([{"id":"100-0","target":"b","disable":"1"},{"id":"100-1","target":"b","disable":0}])");
  REQUIRE(s.jobs.size() == 2);
  CHECK(s.jobs[0].disabled);
  CHECK_FALSE(s.jobs[1].disabled);
}

TEST_CASE("pvesh replication: empty list", "[pvesh_replication]") {
  const auto s = ParsePveshReplication("[]\n");
  CHECK(s.jobs.empty());
  CHECK(s.warnings.empty());
}

TEST_CASE("pvesh replication: bad jobs are skipped with warnings",
          "[pvesh_replication]") {
  const auto s = ParsePveshReplication(
      R"([42, {"target":"x"}, {"id":"abc"}, {"id":"100-0","target":"t","fail_count":"2,5","last_sync":"x","guest":"101"}])");
  REQUIRE(s.jobs.size() == 1);
  const auto& job = s.jobs[0];
  CHECK(job.guest == 100u);     // id wins over a disagreeing guest field
  CHECK(job.fail_count == 0u);  // decimal comma is not a number
  CHECK(job.last_sync == 0);
  CHECK(s.warnings.size() == 6);
}

TEST_CASE("pvesh replication: non-array or broken JSON throws",
          "[pvesh_replication]") {
  CHECK_THROWS_AS(ParsePveshReplication(R"({"id":"100-0"})"), text::ParseError);
  CHECK_THROWS_AS(ParsePveshReplication("[{\"id\":\"100-0\""),
                  text::ParseError);
  CHECK_THROWS_AS(ParsePveshReplication("no such replication job"),
                  text::ParseError);
  CHECK_THROWS_AS(ParsePveshReplication(""), text::ParseError);
}

TEST_CASE("pvesh replication: absurd numbers are unknown, with a warning",
          "[pvesh_replication]") {
  // The largest double as a duration once made the whole exposition invalid.
  const ReplicationStatus s = ParsePveshReplication(
      R"([{"id":"100-0","target":"pve2","duration":1.7976931348623157e308,)"
      R"("last_sync":-5,"last_try":99999999999999,"next_sync":1764000900}])");
  REQUIRE(s.jobs.size() == 1);
  const auto& job = s.jobs[0];
  CHECK_FALSE(job.duration_seconds.has_value());
  CHECK(job.last_sync == 0);
  CHECK(job.last_try == 0);
  CHECK(job.next_sync == 1764000900);
  CHECK(s.warnings.size() == 3);
}

TEST_CASE("replication job ids", "[pvesh_replication]") {
  CHECK(ParseReplicationJobId("100-10") ==
        std::make_pair<std::uint64_t, std::uint64_t>(100, 10));
  CHECK_FALSE(ParseReplicationJobId("100").has_value());
  CHECK_FALSE(ParseReplicationJobId("-1").has_value());
  CHECK_FALSE(ParseReplicationJobId("100-").has_value());
  CHECK_FALSE(ParseReplicationJobId("a-1").has_value());
}

}  // namespace
}  // namespace replwatch::parsers

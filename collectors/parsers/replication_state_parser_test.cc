#include "collectors/parsers/replication_state_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("replication state as pvesr writes it, numbers and strings",
          "[replication_state]") {
  const ReplicationStateFile file = ParseReplicationState(
      testing::ReadTestdata("pve-replication-state.json"));
  CHECK(file.warnings.empty());
  REQUIRE(file.guests.size() == 3);

  const ReplicationRunState* a = file.Find(100, "pve2");
  REQUIRE(a != nullptr);
  CHECK(a->last_sync == 1700000000);
  CHECK(a->last_try == 1700000000);
  CHECK(a->duration_seconds == Approx(3.554485));
  CHECK(a->fail_count == 0u);
  CHECK_FALSE(a->error.has_value());
  CHECK_FALSE(a->pid.has_value());
  REQUIRE(file.Find(100, "pve3") != nullptr);
  CHECK(file.Find(100, "pve1") == nullptr);
  CHECK(file.Find(999, "pve2") == nullptr);

  const ReplicationRunState* b = file.Find(104, "pve3");
  REQUIRE(b != nullptr);
  CHECK(b->fail_count == 4u);         // "4": Perl wrote a string
  CHECK(b->last_sync == 1736500000);  // likewise
  REQUIRE(b->error.has_value());
  CHECK(b->error->find("\nPlease remove") != std::string::npos);

  const ReplicationRunState* c = file.Find(301, "pve");
  REQUIRE(c != nullptr);
  CHECK(c->pid == 48213);
  CHECK(c->ptime == 91827364u);
  CHECK(c->last_sync == 0);
}

TEST_CASE("replication state: an empty file is an empty state",
          "[replication_state]") {
  // read_state(): `return {} if $raw eq ''`.
  const ReplicationStateFile file = ParseReplicationState("");
  CHECK(file.guests.empty());
  CHECK(file.warnings.empty());
  CHECK(ParseReplicationState("{}").guests.empty());
}

TEST_CASE("replication state: bad entries are skipped with warnings",
          "[replication_state]") {
  const ReplicationStateFile file = ParseReplicationState(
      R"({"abc":{},"101":[1],"102":{"local/pve2":7,)"
      R"("local/pve3":{"fail_count":"2,5","last_sync":"x","pid":-4,)"
      R"("duration":1.7976931348623157e308,"last_try":99999999999999}}})");
  CHECK(file.warnings.size() == 8);
  REQUIRE(file.guests.size() == 1);
  const ReplicationRunState* run = file.Find(102, "pve3");
  REQUIRE(run != nullptr);
  CHECK(run->fail_count == 0u);  // a decimal comma is not a number
  CHECK(run->last_sync == 0);
  CHECK(run->last_try == 0);  // not a plausible epoch
  CHECK_FALSE(run->pid.has_value());
  CHECK_FALSE(run->duration_seconds.has_value());
  CHECK(file.Find(102, "pve2") == nullptr);
}

TEST_CASE("replication state: not a JSON object throws",
          "[replication_state]") {
  // read_state() dies with "invalid json data": pvesr then runs no job.
  CHECK_THROWS_AS(ParseReplicationState("[]"), text::ParseError);
  CHECK_THROWS_AS(ParseReplicationState("{\"100\":{"), text::ParseError);
  CHECK_THROWS_AS(ParseReplicationState("\n"), text::ParseError);
}

}  // namespace
}  // namespace replwatch::parsers

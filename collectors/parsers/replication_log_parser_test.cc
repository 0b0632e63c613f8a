#include "collectors/parsers/replication_log_parser.h"

#include <map>

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

struct ExpectedLog {
  ReplicationRunOutcome outcome;
  std::string error;
  std::string job_id;
  std::size_t entries;
};

TEST_CASE("replication logs: every real-world fixture", "[replication_log]") {
  const std::map<std::string, ExpectedLog> expected = {
      {"francio87-incremental-sync-ok-with-freeze-thaw",
       {ReplicationRunOutcome::kOk, "", "200-0", 14}},
      {"pve-manager-regtest4-repeated-error-backoff",
       {ReplicationRunOutcome::kError, "faked replication error",
        "job_900_to_node2", 4}},
      {"pve-manager-regtest5-error-no-such-volid-then-recovery-and-removal",
       {ReplicationRunOutcome::kOk, "", "job_900_to_node2", 9}},
  };
  std::size_t checked = 0;
  for (const auto& path : testing::FixtureFiles("pve-replication-log")) {
    INFO(path.string());
    ReplicationLog log;
    REQUIRE_NOTHROW(log = ParseReplicationLog(testing::ReadFixture(path)));
    CHECK(log.warnings.empty());
    REQUIRE_FALSE(log.entries.empty());
    CHECK(log.entries.front().message == "start replication job");
    const auto it = expected.find(path.stem().string());
    if (it == expected.end()) continue;
    ++checked;
    CHECK(log.outcome == it->second.outcome);
    CHECK(log.error == it->second.error);
    CHECK(log.entries.front().job_id == it->second.job_id);
    CHECK(log.entries.size() == it->second.entries);
  }
  CHECK(checked == expected.size());
}

TEST_CASE("replication log keeps literal tabs and timestamps",
          "[replication_log]") {
  const ReplicationLog log = ParseReplicationLog(testing::ReadFixture(
      testing::RealWorldDir("pve-replication-log") /
      "francio87-incremental-sync-ok-with-freeze-thaw.txt"));
  REQUIRE(log.entries.size() == 14);
  CHECK(log.entries[0].time == "2020-03-10 10:00:00");
  CHECK(log.entries[9].message.find("\tname\t") != std::string::npos);
}

TEST_CASE("replication log: multi-line error continues without prefix",
          "[replication_log]") {
  const ReplicationLog log = ParseReplicationLog(
      testing::ReadTestdata("replicate-log-no-common-base.txt"));
  CHECK(log.outcome == ReplicationRunOutcome::kError);
  CHECK(log.error ==
        "No common base snapshot on volume(s) local-zfs:subvol-104-disk-0\n"
        "Please remove the problematic volume(s) from the replication target "
        "or delete and re-create the whole job 104-0");
  CHECK(log.entries.size() == 4);
  CHECK(log.entries[3].line == 4u);
}

TEST_CASE("replication log: running or truncated run", "[replication_log]") {
  const ReplicationLog log = ParseReplicationLog(
      "2025-01-10 12:00:00 100-0: start replication job\n"
      "2025-01-10 12:00:00 100-0: guest => VM 100, running => 2301\n");
  CHECK(log.outcome == ReplicationRunOutcome::kUnknown);
  CHECK(log.entries.size() == 2);
}

TEST_CASE("replication log: garbage and malformed input", "[replication_log]") {
  const ReplicationLog garbage = ParseReplicationLog("hello\nworld\n\n");
  CHECK(garbage.entries.empty());
  CHECK(garbage.outcome == ReplicationRunOutcome::kUnknown);
  CHECK(garbage.warnings.size() == 2);
  CHECK(ParseReplicationLog("").entries.empty());
  CHECK(ParseReplicationLog("2025-01-10 12:00:00 100-0:").entries.size() == 1);
  CHECK(ParseReplicationLog("2025-01-10 12:00:00 : x").entries.empty());
  CHECK_THROWS_AS(ParseReplicationLog(std::string("1 a: b\0", 7)),
                  text::ParseError);
}

TEST_CASE("replication log message extraction", "[replication_log]") {
  CHECK(
      ReplicationLogMessage("2025-01-10 12:00:00 100-0: end replication job") ==
      "end replication job");
  CHECK(ReplicationLogMessage("1000 job_900_to_node2: x: y") == "x: y");
  CHECK(ReplicationLogMessage("match incremental source") ==
        "match incremental source");
}

}  // namespace
}  // namespace replwatch::parsers

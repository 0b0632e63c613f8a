#include "collectors/parsers/replication_transfer.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("transfer: a real incremental run's estimate", "[transfer]") {
  const ReplicationLog log = ParseReplicationLog(testing::ReadFixture(
      testing::RealWorldDir("pve-replication-log") /
      "francio87-incremental-sync-ok-with-freeze-thaw.txt"));
  // "total estimated size is 9.39M": 1024-based, as zfs_nicenum() prints.
  CHECK(EstimatedTransferBytes(log) == 9846129u);
}

TEST_CASE("transfer: volumes add up, a missing total falls back to streams",
          "[transfer]") {
  const ReplicationLog log = ParseReplicationLog(
      "2026-12-06 10:00:00 100-0: start replication job\n"
      "2026-12-06 10:00:01 100-0: full sync 'local-zfs:vm-100-disk-0' "
      "(__replicate_100-0_1796544000__)\n"
      "2026-12-06 10:00:01 100-0: full send of "
      "rpool/data/vm-100-disk-0@autosnap_1 estimated size is 1.50G\n"
      "2026-12-06 10:00:01 100-0: send from @autosnap_1 to "
      "rpool/data/vm-100-disk-0@__replicate_100-0_1796544000__ estimated "
      "size is 512M\n"
      "2026-12-06 10:00:01 100-0: total estimated size is 2.00G\n"
      "2026-12-06 10:00:01 100-0: TIME        SENT   SNAPSHOT "
      "rpool/data/vm-100-disk-0@autosnap_1\n"
      "2026-12-06 10:00:02 100-0: 10:00:02   1.02G   "
      "rpool/data/vm-100-disk-0@autosnap_1\n"
      "2026-12-06 10:00:40 100-0: incremental sync 'local-zfs:vm-100-disk-1' "
      "(__replicate_100-0_1796540400__ => __replicate_100-0_1796544000__)\n"
      "2026-12-06 10:00:40 100-0: send from @__replicate_100-0_1796540400__ "
      "to rpool/data/vm-100-disk-1@__replicate_100-0_1796544000__ estimated "
      "size is 4K\n"
      "2026-12-06 10:00:41 100-0: incremental sync 'local-zfs:vm-100-disk-2' "
      "(__replicate_100-0_1796540400__ => __replicate_100-0_1796544000__)\n"
      "2026-12-06 10:00:41 100-0: send from @__replicate_100-0_1796540400__ "
      "to rpool/data/vm-100-disk-2@__replicate_100-0_1796544000__ estimated "
      "size is 1K\n"
      "2026-12-06 10:00:41 100-0: total estimated size is 1K\n"
      "2026-12-06 10:00:42 100-0: end replication job\n");
  CHECK(EstimatedTransferBytes(log) == (2ull << 30) + 4096 + 1024);
}

TEST_CASE("transfer: only a run that ended well", "[transfer]") {
  const std::string start =
      "2026-12-06 10:00:00 100-0: start replication job\n"
      "2026-12-06 10:00:01 100-0: incremental sync 'local-zfs:vm-100-disk-0' "
      "(a => b)\n"
      "2026-12-06 10:00:01 100-0: total estimated size is 20M\n";
  CHECK_FALSE(EstimatedTransferBytes(ParseReplicationLog(start)));
  CHECK_FALSE(
      EstimatedTransferBytes(ParseReplicationLog(
          start + "2026-12-06 10:00:02 100-0: end replication job with error: "
                  "broken pipe\n")));
  CHECK(EstimatedTransferBytes(ParseReplicationLog(
            start + "2026-12-06 10:00:02 100-0: end replication job\n")) ==
        20u << 20);
  // A run that found nothing to send (no volumes) shipped 0 bytes.
  CHECK(EstimatedTransferBytes(ParseReplicationLog(
            "2026-12-06 10:00:00 100-0: start replication job\n"
            "2026-12-06 10:00:00 100-0: end replication job\n")) == 0u);
  // Garbage where a size belongs counts as nothing, not as an error.
  CHECK(EstimatedTransferBytes(ParseReplicationLog(
            "2026-12-06 10:00:00 100-0: start replication job\n"
            "2026-12-06 10:00:01 100-0: total estimated size is lots\n"
            "2026-12-06 10:00:02 100-0: end replication job\n")) == 0u);
}

}  // namespace
}  // namespace replwatch::parsers

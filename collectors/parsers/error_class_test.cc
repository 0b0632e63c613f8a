#include "collectors/parsers/error_class.h"

#include <string>

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

const char kGenericFailure[] =
    "command 'set -o pipefail && pvesm export local-zfs:vm-100-disk-0 zfs - "
    "-with-snapshots 1 -snapshot __replicate_100-0_1736506800__ | "
    "/usr/bin/ssh -e none -o 'BatchMode=yes' -o 'HostKeyAlias=pve2' "
    "root@10.0.0.2 -- pvesm import local-zfs:vm-100-disk-0 zfs - "
    "-with-snapshots 1 -snapshot __replicate_100-0_1736506800__ "
    "-allow-rename 0 -x encryption' failed: exit code 255";

std::string LogWith(const std::string& line) {
  return "2025-01-10 12:00:00 100-0: start replication job\n"
         "2025-01-10 12:00:01 100-0: " +
         line +
         "\n"
         "2025-01-10 12:00:02 100-0: end replication job with error: " +
         kGenericFailure + "\n";
}

TEST_CASE("classifies state errors directly", "[error_class]") {
  struct Case {
    const char* error;
    ReplicationErrorClass expected;
  };
  const Case cases[] = {
      {"No common base snapshot on volume(s) local-zfs:vm-104-disk-0\nPlease "
       "remove the problematic volume(s) from the replication target or "
       "delete and re-create the whole job 104-0",
       ReplicationErrorClass::kSnapshotChain},
      {"No common base to restore the job state\nplease delete jobid: 100-0 "
       "and create the job again",
       ReplicationErrorClass::kSnapshotChain},
      {"zfs error: cannot create snapshot "
       "'rpool/data/vm-100-disk-0@__replicate_100-0_1736506800__': out of "
       "space",
       ReplicationErrorClass::kNoSpace},
      {"command 'zfs snapshot "
       "rpool/data/vm-103-disk-0@__replicate_103-0_1734503400__' "
       "failed: got timeout",
       ReplicationErrorClass::kPoolUnhealthy},
      {"can't lock file '/var/lock/pvesr.lck' - got timeout",
       ReplicationErrorClass::kLockTimeout},
      {"faked replication error", ReplicationErrorClass::kUnknown},
  };
  for (const Case& c : cases) {
    INFO(c.error);
    CHECK(ClassifyReplicationError(c.error, "").error_class == c.expected);
  }
}

TEST_CASE("generic command failure uses the log's real error",
          "[error_class]") {
  struct Case {
    const char* log_line;
    ReplicationErrorClass expected;
  };
  const Case cases[] = {
      {"(remote_prepare_local_job) Host key verification failed.",
       ReplicationErrorClass::kSsh},
      {"(remote_prepare_local_job) ssh: connect to host 10.0.0.2 port 22: No "
       "route to host",
       ReplicationErrorClass::kSsh},
      {"(remote_prepare_local_job) Permission denied (publickey,password).",
       ReplicationErrorClass::kSsh},
      {"cannot receive incremental stream: destination "
       "rpool/data/vm-100-disk-0 has been modified\nsince most recent snapshot",
       ReplicationErrorClass::kDestinationModified},
      {"cannot receive new filesystem stream: destination "
       "'rpool/data/vm-100-disk-0' exists\nmust specify -F to overwrite it",
       ReplicationErrorClass::kDestinationExists},
      {"volume 'rpool/data/vm-100-disk-0' already exists",
       ReplicationErrorClass::kDestinationExists},
      {"cannot receive incremental stream: out of space",
       ReplicationErrorClass::kNoSpace},
      {"warning: cannot send 'rpool/data/vm-100-disk-0@s': Input/output error",
       ReplicationErrorClass::kPoolUnhealthy},
      {"cannot receive incremental stream: destination "
       "rpool/data/vm-100-disk-0 contains partially-complete state from "
       "\"zfs receive -s\".",
       ReplicationErrorClass::kPartialReceive},
      {"cannot receive new filesystem stream: inherited key must be loaded",
       ReplicationErrorClass::kEncryption},
      {"cannot receive: stream has unsupported feature, feature flags = 24 "
       "(unknown flags = 4)",
       ReplicationErrorClass::kFeatureUnsupported},
      {"cannot receive incremental stream: pool must be upgraded to receive "
       "this stream.",
       ReplicationErrorClass::kFeatureUnsupported},
      {"write: Broken pipe", ReplicationErrorClass::kNetwork},
      {"cannot receive incremental stream: checksum mismatch",
       ReplicationErrorClass::kNetwork},
      {"base snapshot 'rpool/data/vm-100-disk-0@__replicate_100-0_1__' "
       "doesn't exist",
       ReplicationErrorClass::kSnapshotChain},
      {"guest => VM 100, running => 2301", ReplicationErrorClass::kUnknown},
  };
  for (const Case& c : cases) {
    INFO(c.log_line);
    const ClassifiedError result =
        ClassifyReplicationError(kGenericFailure, LogWith(c.log_line));
    CHECK(result.error_class == c.expected);
    CHECK(result.error_line.size() <= 120);
  }
}

TEST_CASE("two-line ZFS message in a real log layout", "[error_class]") {
  const ClassifiedError result = ClassifyReplicationError(
      kGenericFailure,
      testing::ReadTestdata("replicate-log-incremental-mismatch.txt"));
  CHECK(result.error_class == ReplicationErrorClass::kSnapshotChain);
  CHECK(result.error_line ==
        "cannot receive incremental stream: most recent snapshot of "
        "rpool/data/vm-100-disk-0 does not");
}

TEST_CASE("specific state text is not overridden by the log", "[error_class]") {
  const ClassifiedError result = ClassifyReplicationError(
      "zfs error: cannot create snapshot 'x@y': out of space",
      LogWith("(remote_prepare_local_job) Host key verification failed."));
  CHECK(result.error_class == ReplicationErrorClass::kNoSpace);
  CHECK(result.error_line ==
        "zfs error: cannot create snapshot 'x@y': out of space");
}

TEST_CASE("the command line itself is never matched", "[error_class]") {
  // The pipeline mentions "encryption" and "BatchMode", and the log is empty.
  const ClassifiedError result = ClassifyReplicationError(kGenericFailure, "");
  CHECK(result.error_class == ReplicationErrorClass::kUnknown);
  CHECK(result.error_line.size() <= 120);
  CHECK(result.error_line.find("failed: exit code 255") != std::string::npos);
  CHECK(result.error_line.rfind("command 'set -o pipefail", 0) == 0);
}

TEST_CASE("short error line is bounded and printable", "[error_class]") {
  CHECK(ShortErrorLine("\n\n  first line  \nsecond") == "first line");
  CHECK(ShortErrorLine("2025-01-10 12:00:00 100-0: boom") == "boom");
  const std::string long_line(500, 'x');
  const std::string shortened = ShortErrorLine(long_line);
  CHECK(shortened.size() == 120);
  CHECK(shortened.substr(117) == "...");
  CHECK(ShortErrorLine("bad \x01\xff byte") == "bad ?? byte");
  CHECK(ShortErrorLine(std::string("nul\0x", 5)) == "nul?x");
  CHECK(ShortErrorLine("").empty());
}

TEST_CASE("error class names match the metric contract", "[error_class]") {
  CHECK(ErrorClassName(ReplicationErrorClass::kSnapshotChain) ==
        "snapshot_chain");
  CHECK(ErrorClassName(ReplicationErrorClass::kDestinationExists) ==
        "destination_exists");
  CHECK(ErrorClassName(ReplicationErrorClass::kDestinationModified) ==
        "destination_modified");
  CHECK(ErrorClassName(ReplicationErrorClass::kNoSpace) == "no_space");
  CHECK(ErrorClassName(ReplicationErrorClass::kSsh) == "ssh");
  CHECK(ErrorClassName(ReplicationErrorClass::kNetwork) == "network");
  CHECK(ErrorClassName(ReplicationErrorClass::kPoolUnhealthy) ==
        "pool_unhealthy");
  CHECK(ErrorClassName(ReplicationErrorClass::kFeatureUnsupported) ==
        "feature_unsupported");
  CHECK(ErrorClassName(ReplicationErrorClass::kEncryption) == "encryption");
  CHECK(ErrorClassName(ReplicationErrorClass::kPartialReceive) ==
        "partial_receive");
  CHECK(ErrorClassName(ReplicationErrorClass::kLockTimeout) == "lock_timeout");
  CHECK(ErrorClassName(ReplicationErrorClass::kUnknown) == "unknown");
}

}  // namespace
}  // namespace replwatch::parsers

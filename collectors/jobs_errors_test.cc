// Failing jobs: error classes from the state text and the last run's log,
// and the number of log reads.

#include "collectors/jobs.h"
#include "collectors/jobs_testing.h"
#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

using testing::JobSeries;
using testing::LogCommand;
using testing::SampleValue;

constexpr double kNow = 1795660000;
// The commands of one cycle that list the jobs, before any log.
const std::size_t kList = testing::JobListCommands().size();

// A pvesh job of guest `guest` to pve2 that failed `fails` times with
// `error` (JSON-escaped; empty: no error field).
std::string FailingJob(int guest, int fails, const std::string& error) {
  const std::string id = std::to_string(guest) + "-0";
  return R"({"duration":0.069,)" +
         (error.empty() ? "" : R"("error":")" + error + R"(",)") +
         R"("fail_count":)" + std::to_string(fails) + R"(,"guest":")" +
         std::to_string(guest) + R"(","id":")" + id +
         R"(","jobnum":"0","last_sync":1795657442,"last_try":1795658557,"next_sync":1795659457,"source":"pve1","target":"pve2","type":"local","vmtype":"qemu"})";
}

// PVE's generic text for a failed send/receive pipeline (exit code 255).
const std::string kGenericError =
    "command 'set -o pipefail && pvesm export local-zfs:vm-100-disk-0 zfs - "
    "-with-snapshots 1 -snapshot __replicate_100-0_1795658557__ | "
    "/usr/bin/ssh -e none -o 'BatchMode=yes' -o 'HostKeyAlias=pve2' "
    "root@198.18.0.12 -- pvesm import local-zfs:vm-100-disk-0 zfs - "
    "-with-snapshots 1 -snapshot __replicate_100-0_1795658557__ "
    "-allow-rename 0' failed: exit code 255";

// A /var/log/pve/replicate/<id> whose run failed after the `cause` lines.
std::string FailedRunLog(const std::string& cause,
                         const std::string& id = "100-0") {
  const std::string p = "2026-11-26 02:02:37 " + id + ": ";
  return p + "start replication job\n" + p +
         "guest => VM 100, running => 18016\n" + p +
         "volumes => local-zfs:vm-100-disk-0\n" + cause + p +
         "end replication job with error: " + kGenericError + "\n";
}

std::string ClassOf(const JobsFacts& facts, const std::string& id) {
  for (const JobFacts& job : facts.jobs) {
    if (job.state.id == id && job.error) {
      return std::string(parsers::ErrorClassName(job.error->error_class));
    }
  }
  return "(none)";
}

TEST_CASE("jobs: multi-line state error, one log read per failing job",
          "[jobs]") {
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(
      t, "[" +
             FailingJob(104, 4,
                        "No common base snapshot on volume(s) "
                        "local-zfs:vm-104-disk-0\\nPlease remove the "
                        "problematic volume(s) from the replication target "
                        "or delete and re-create the whole job 104-0") +
             "," + FailingJob(105, 0, "") + "]");
  t.Answer(LogCommand("104-0"), FailedRunLog(""));
  const testing::JobsRun run = testing::CollectJobs(collector, t);

  // The failing job's log first; then the healthy one's (its transfer).
  std::vector<std::string> expected = testing::JobListCommands();
  expected.push_back(LogCommand("104-0"));
  expected.push_back(LogCommand("105-0"));
  CHECK(t.commands_run() == expected);
  CHECK(SampleValue(run.text,
                    JobSeries("replwatch_job_last_error_info", "104-0", "pve2",
                              ",class=\"snapshot_chain\"")) == 1);
  CHECK(testing::SampleCount(run.text, "replwatch_job_last_error_info") == 1);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_consecutive_failures",
                                        "104-0", "pve2")) == 4);
  REQUIRE(run.facts->jobs.at(0).error);
  CHECK(run.facts->jobs.at(0).error->error_line ==
        "No common base snapshot on volume(s) local-zfs:vm-104-disk-0");
  CHECK(testing::PromtoolComplaints(run.text).empty());
}

TEST_CASE("jobs: a generic command failure is classified from the log",
          "[jobs]") {
  const std::string p = "2026-11-26 02:02:37 100-0: ";
  const auto [cause, expected] = GENERATE_COPY(table<std::string, std::string>({
      {p +
           "(remote_prepare_local_job) Host key for pve2 has changed and you "
           "have requested strict checking.\n" +
           p + "(remote_prepare_local_job) Host key verification failed.\n",
       "ssh"},
      {p + "cannot receive incremental stream: out of space\n", "no_space"},
      {p +
           "cannot receive incremental stream: most recent snapshot of "
           "rpool/data/vm-100-disk-0 does not\n" +
           "match incremental source\n",
       "snapshot_chain"},
      {p + "TIME        SENT   SNAPSHOT rpool/data/vm-100-disk-0@x\n",
       "unknown"},
  }));
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, "[" + FailingJob(100, 2, kGenericError) + "]");
  t.Answer(LogCommand("100-0"), FailedRunLog(cause));
  const testing::JobsRun run = testing::CollectJobs(collector, t);
  CHECK(t.commands_run().size() == kList + 1);
  CHECK(ClassOf(*run.facts, "100-0") == expected);
}

TEST_CASE("jobs: real-world replication logs classify without crashing",
          "[jobs]") {
  for (const auto& path :
       parsers::testing::FixtureFiles("pve-replication-log")) {
    INFO(path.filename().string());
    JobsCollector collector([] { return kNow; });
    testing::ScriptedTransport t;
    testing::AnswerJobFiles(t, "[" + FailingJob(100, 1, kGenericError) + "]");
    t.Answer(LogCommand("100-0"), parsers::testing::ReadFixture(path));
    const testing::JobsRun run = testing::CollectJobs(collector, t);
    // None of them holds a ZFS/SSH cause ("faked replication error", "no
    // such volid", a successful run).
    CHECK(ClassOf(*run.facts, "100-0") == "unknown");
    CHECK(t.commands_run().size() == kList + 1);
  }
}

TEST_CASE("jobs: without state text the log's last error is classified",
          "[jobs]") {
  const auto [end_error, expected] = GENERATE(table<std::string, std::string>({
      {"command 'zfs snapshot "
       "rpool/data/vm-100-disk-0@__replicate_100-0_1795658557__' failed: "
       "got timeout",
       "pool_unhealthy"},
      {"No common base snapshot on volume(s) local-zfs:vm-100-disk-0\n"
       "Please remove the problematic volume(s) from the replication "
       "target or delete and re-create the whole job 100-0",
       "snapshot_chain"},
  }));
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, "[" + FailingJob(100, 2, "") + "]");
  const std::string p = "2026-11-26 02:02:37 100-0: ";
  t.Answer(LogCommand("100-0"),
           p + "start replication job\n" + p +
               "end replication job with error: " + end_error + "\n");
  const testing::JobsRun run = testing::CollectJobs(collector, t);
  CHECK(ClassOf(*run.facts, "100-0") == expected);
  REQUIRE(run.facts->jobs.at(0).error);
  CHECK_FALSE(run.facts->jobs.at(0).error->error_line.empty());
}

TEST_CASE("jobs: a missing log leaves the state text to classify", "[jobs]") {
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, "[" + FailingJob(100, 1, kGenericError) + "," +
                                 FailingJob(101, 1, "out of space") + "]");
  t.Answer(LogCommand("100-0"), "", 1,
           "cat: /var/log/pve/replicate/100-0: No such file or directory");
  // 101-0: no scripted reply, like a node where cat cannot run.
  const testing::JobsRun run = testing::CollectJobs(collector, t);
  CHECK(t.commands_run().size() == kList + 2);
  CHECK(ClassOf(*run.facts, "100-0") == "unknown");
  CHECK(ClassOf(*run.facts, "101-0") == "no_space");
}

TEST_CASE("jobs: at most 20 logs per cycle, the rest from the state text",
          "[jobs]") {
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  std::string json = "[";
  for (int guest = 100; guest < 125; ++guest) {
    if (guest > 100) json += ",";
    json += FailingJob(guest, 1, kGenericError);
    const std::string id = std::to_string(guest) + "-0";
    t.Answer(LogCommand(id),
             FailedRunLog("2026-11-26 02:02:37 " + id +
                              ": (remote_prepare_local_job) Host key "
                              "verification failed.\n",
                          id));
  }
  testing::AnswerJobFiles(t, json + "]");
  const testing::JobsRun run = testing::CollectJobs(collector, t);
  CHECK(t.commands_run().size() == kList + JobsCollector::kMaxLogsPerCycle);
  CHECK(ClassOf(*run.facts, "119-0") == "ssh");
  CHECK(ClassOf(*run.facts, "120-0") == "unknown");
  CHECK(ClassOf(*run.facts, "124-0") == "unknown");
  CHECK(testing::SampleCount(run.text, "replwatch_job_last_error_info") == 25);

  // Next cycle, no job ran again: only the five logs not read yet.
  const testing::JobsRun next = testing::CollectJobs(collector, t);
  CHECK(t.commands_run().size() == 2 * kList + 25);
  CHECK(t.commands_run().back() == LogCommand("124-0"));
  CHECK(ClassOf(*next.facts, "119-0") == "ssh");
  CHECK(ClassOf(*next.facts, "124-0") == "ssh");
}

TEST_CASE("jobs: a job's log is read again only after its next run", "[jobs]") {
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, "[" + FailingJob(100, 1, kGenericError) + "]");
  t.Answer(LogCommand("100-0"),
           FailedRunLog("2026-11-26 02:02:37 100-0: cannot receive "
                        "incremental stream: out of space\n"));
  testing::CollectJobs(collector, t);
  const testing::JobsRun same = testing::CollectJobs(collector, t);
  CHECK(t.commands_run().size() == (kList + 1) + kList);
  CHECK(ClassOf(*same.facts, "100-0") == "no_space");

  // The retry failed too (fail_count 2): its log is new.
  testing::AnswerJobFiles(t, "[" + FailingJob(100, 2, kGenericError) + "]");
  t.Answer(LogCommand("100-0"),
           FailedRunLog("2026-11-26 02:07:37 100-0: (remote_prepare_local_job) "
                        "Host key verification failed.\n"));
  const testing::JobsRun retried = testing::CollectJobs(collector, t);
  CHECK(t.commands_run().size() == (2 * kList + 1) + (kList + 1));
  CHECK(ClassOf(*retried.facts, "100-0") == "ssh");
}

}  // namespace
}  // namespace replwatch

// What each job's last successful run sent, from its log, read once per run.

#include <string>
#include <vector>

#include "collectors/jobs.h"
#include "collectors/jobs_testing.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

using testing::JobSeries;
using testing::LogCommand;
using testing::SampleValue;

// The commands of one cycle that list the jobs, before any log.
const std::size_t kList = testing::JobListCommands().size();

// A healthy job of guest `guest` to pve2 whose last run started at
// `last_sync` and took `duration` seconds; `syncing`: a run is going.
std::string HealthyJob(int guest, long last_sync, double duration,
                       bool syncing = false) {
  return R"({"duration":)" + std::to_string(duration) +
         R"(,"fail_count":0,"guest":")" + std::to_string(guest) +
         R"(","id":")" + std::to_string(guest) +
         R"(-0","jobnum":"0","last_sync":)" + std::to_string(last_sync) +
         R"(,"last_try":)" + std::to_string(last_sync) +
         R"(,"next_sync":1795659457,)" + (syncing ? R"("pid":4242,)" : "") +
         R"("source":"pve1","target":"pve2","type":"local","vmtype":"qemu"})";
}

// A successful run that sent `size` (zfs_nicenum() text) of one volume.
std::string RunLog(int guest, const std::string& size) {
  const std::string p = "2026-11-26 02:00:00 " + std::to_string(guest) + "-0: ";
  return p + "start replication job\n" + p + "incremental sync 'local-zfs:vm-" +
         std::to_string(guest) +
         "-disk-0' (__replicate_a__ => __replicate_b__)\n" + p +
         "send from @__replicate_a__ to rpool/data/vm-" +
         std::to_string(guest) + "-disk-0@__replicate_b__ estimated size is " +
         size + "\n" + p + "total estimated size is " + size + "\n" + p +
         "end replication job\n";
}

TEST_CASE("jobs: a run's transfer is read once, kept while the next runs",
          "[jobs][transfer]") {
  JobsCollector collector([] { return 1795660000.0; });
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, "[" + HealthyJob(100, 1795657442, 4.0) + "]");
  t.Answer(LogCommand("100-0"), RunLog(100, "20M"));
  const std::string bytes =
      JobSeries("replwatch_job_last_transfer_bytes", "100-0", "pve2");
  const std::string rate = JobSeries(
      "replwatch_job_last_throughput_bytes_per_second", "100-0", "pve2");

  auto run = testing::CollectJobs(collector, t);
  CHECK(SampleValue(run.text, bytes) == 20971520);
  CHECK(SampleValue(run.text, rate) == 20971520 / 4.0);
  CHECK(t.commands_run().back() == LogCommand("100-0"));

  // The same run: no second read.
  run = testing::CollectJobs(collector, t);
  CHECK(t.commands_run().size() == (kList + 1) + kList);
  CHECK(SampleValue(run.text, bytes) == 20971520);

  // The next run is going: its log is partial, the last run's value stays.
  testing::AnswerJobFiles(t,
                          "[" + HealthyJob(100, 1795657442, 4.0, true) + "]");
  t.Answer(LogCommand("100-0"),
           "2026-11-26 02:15:00 100-0: start "
           "replication job\n");
  run = testing::CollectJobs(collector, t);
  // The running one's pid is checked in /proc; its log is not read.
  CHECK(t.commands_run().size() == (2 * kList + 1) + (kList + 1));
  CHECK(SampleValue(run.text, bytes) == 20971520);

  // It ended: read once more.
  testing::AnswerJobFiles(t, "[" + HealthyJob(100, 1795658342, 2.0) + "]");
  t.Answer(LogCommand("100-0"), RunLog(100, "1.50M"));
  run = testing::CollectJobs(collector, t);
  CHECK(t.commands_run().back() == LogCommand("100-0"));
  CHECK(SampleValue(run.text, bytes) == 1572864);
  CHECK(SampleValue(run.text, rate) == 1572864 / 2.0);
}

TEST_CASE("jobs: no transfer for a failing job or a log of another run",
          "[jobs][transfer]") {
  JobsCollector collector([] { return 1795660000.0; });
  testing::ScriptedTransport t;
  // The log already holds a run that started after the state was read.
  testing::AnswerJobFiles(t, "[" + HealthyJob(100, 1795657442, 4.0) + "]");
  t.Answer(LogCommand("100-0"),
           "2026-11-26 02:15:00 100-0: start replication job\n");
  auto run = testing::CollectJobs(collector, t);
  CHECK(testing::SampleCount(run.text, "replwatch_job_last_transfer_bytes") ==
        0);
  // Read again next cycle, since nothing was learned.
  t.Answer(LogCommand("100-0"), RunLog(100, "4K"));
  run = testing::CollectJobs(collector, t);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_last_transfer_bytes",
                                        "100-0", "pve2")) == 4096);
  // Failing now: the series goes.
  testing::AnswerJobFiles(
      t, R"([{"duration":0.1,"error":"broken pipe","fail_count":1,)"
         R"("guest":"100","id":"100-0","jobnum":"0","last_sync":1795657442,)"
         R"("last_try":1795658557,"next_sync":1795659457,"source":"pve1",)"
         R"("target":"pve2","type":"local","vmtype":"qemu"}])");
  run = testing::CollectJobs(collector, t);
  CHECK(testing::SampleCount(run.text, "replwatch_job_last_transfer_bytes") ==
        0);
}

TEST_CASE("jobs: transfer logs have a budget per cycle", "[jobs][transfer]") {
  JobsCollector collector([] { return 1795660000.0; });
  testing::ScriptedTransport t;
  const int jobs = JobsCollector::kMaxTransferLogsPerCycle + 5;
  std::string list = "[";
  for (int guest = 100; guest < 100 + jobs; ++guest) {
    list += (guest > 100 ? "," : "") + HealthyJob(guest, 1795657442, 1.0);
    t.Answer(LogCommand(std::to_string(guest) + "-0"), RunLog(guest, "1K"));
  }
  testing::AnswerJobFiles(t, list + "]");
  auto run = testing::CollectJobs(collector, t);
  CHECK(t.commands_run().size() ==
        kList + JobsCollector::kMaxTransferLogsPerCycle);
  CHECK(testing::SampleCount(run.text, "replwatch_job_last_transfer_bytes") ==
        JobsCollector::kMaxTransferLogsPerCycle);
  run = testing::CollectJobs(collector, t);
  CHECK(testing::SampleCount(run.text, "replwatch_job_last_transfer_bytes") ==
        static_cast<std::size_t>(jobs));
}

}  // namespace
}  // namespace replwatch

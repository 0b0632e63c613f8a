#include "collectors/jobs.h"

#include <spdlog/spdlog.h>

#include "collectors/jobs_testing.h"
#include "testing/captured_log.h"
#include "testing/catch.h"
#include "testing/exposition_reader.h"
#include "testing/scripted_transport.h"
#include "text/parse_error.h"

namespace replwatch {
namespace {

using testing::JobSeries;
using testing::SampleValue;

// The jobs as PVE's job status lists them (pvesh get /nodes/pve1/replication
// as PVE 8 prints it: canonical key order, guest/jobnum strings); answered as
// the files they come from (testing::AnswerJobFiles).
const char* const kHealthyJobs =
    R"([{"duration":3.554485,"fail_count":0,"guest":"100","id":"100-0","jobnum":"0","last_sync":1734503400,"last_try":1734503400,"next_sync":1734504300,"source":"pve1","target":"pve2","type":"local","vmtype":"qemu"},)"
    R"({"duration":77.550764,"fail_count":0,"guest":"105","id":"105-0","jobnum":"0","last_sync":1734501600,"last_try":1734505200,"next_sync":1734505500,"pid":4242,"schedule":"*/5","source":"pve1","target":"pve3","type":"local","vmtype":"lxc"},)"
    R"({"disable":1,"duration":2.1,"fail_count":0,"guest":"106","id":"106-0","jobnum":"0","last_sync":1734490000,"last_try":1734490000,"next_sync":1734491800,"schedule":"*/30","source":"pve1","target":"pve4","type":"local","vmtype":"qemu"},)"
    R"({"duration":1.02,"fail_count":0,"guest":"108","id":"108-0","jobnum":"0","last_sync":1734503000,"last_try":1734503000,"next_sync":1,"remove_job":"full","source":"pve1","target":"pve2","type":"local","vmtype":"qemu"}])";

TEST_CASE("jobs: healthy, syncing, disabled and removed jobs", "[jobs]") {
  const double now = 1734506000;
  JobsCollector collector([now] { return now; });
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, kHealthyJobs);
  const testing::JobsRun run = testing::CollectJobs(collector, t);
  const std::string& text = run.text;

  // No failing job: the job list's files, the running job's process, and
  // the last-run log of each job that synced (its transfer), once per run.
  std::vector<std::string> expected = testing::JobListCommands();
  for (const std::string& command :
       {testing::ProcStatCommand(4242), testing::LogCommand("100-0"),
        testing::LogCommand("106-0"), testing::LogCommand("108-0")}) {
    expected.push_back(command);
  }
  CHECK(t.commands_run() == expected);
  REQUIRE(run.facts->jobs.size() == 4);
  CHECK(testing::SampleCount(text, "replwatch_job_info") == 4);
  CHECK(text.find("node=") == std::string::npos);
  CHECK(testing::SampleCount(text, "replwatch_job_last_error_info") == 0);

  CHECK(SampleValue(text, JobSeries("replwatch_job_info", "100-0", "pve2",
                                    ",schedule=\"*/15\",vmtype=\"qemu\"")) ==
        1);
  CHECK(SampleValue(text, JobSeries("replwatch_job_info", "105-0", "pve3",
                                    ",schedule=\"*/5\",vmtype=\"lxc\"")) == 1);
  CHECK(SampleValue(text,
                    JobSeries("replwatch_job_enabled", "100-0", "pve2")) == 1);
  CHECK(SampleValue(text,
                    JobSeries("replwatch_job_enabled", "106-0", "pve4")) == 0);
  CHECK(SampleValue(text, JobSeries("replwatch_job_schedule_interval_seconds",
                                    "100-0", "pve2")) == 15 * 60);
  CHECK(SampleValue(text, JobSeries("replwatch_job_schedule_interval_seconds",
                                    "106-0", "pve4")) == 30 * 60);
  CHECK(SampleValue(text, JobSeries("replwatch_job_last_sync_timestamp_seconds",
                                    "100-0", "pve2")) == 1734503400);
  CHECK(SampleValue(text, JobSeries("replwatch_job_last_try_timestamp_seconds",
                                    "105-0", "pve3")) == 1734505200);
  CHECK(SampleValue(text, JobSeries("replwatch_job_next_sync_timestamp_seconds",
                                    "100-0", "pve2")) == 1734504300);
  CHECK(SampleValue(text, JobSeries("replwatch_job_duration_seconds", "105-0",
                                    "pve3")) == Approx(77.550764));
  CHECK(SampleValue(text,
                    JobSeries("replwatch_job_syncing", "105-0", "pve3")) == 1);
  CHECK(SampleValue(text,
                    JobSeries("replwatch_job_syncing", "100-0", "pve2")) == 0);
  CHECK(SampleValue(text, JobSeries("replwatch_job_rpo_seconds", "100-0",
                                    "pve2")) == now - 1734503400);
  CHECK(SampleValue(text, JobSeries("replwatch_job_removal_pending", "108-0",
                                    "pve2")) == 1);
  CHECK(SampleValue(text, JobSeries("replwatch_job_removal_pending", "100-0",
                                    "pve2")) == 0);
  CHECK(SampleValue(text, JobSeries("replwatch_job_consecutive_failures",
                                    "100-0", "pve2")) == 0);

  // The disabled job's target is not a replication path.
  CHECK(run.facts->ReplicationTargets() ==
        std::vector<std::string>{"pve2", "pve3"});
  CHECK(testing::PromtoolComplaints(text).empty());
}

TEST_CASE("jobs: a never-synced job ages from its first sighting", "[jobs]") {
  double now = 1734506000;
  JobsCollector collector([&now] { return now; });
  const auto sightings = std::make_shared<FirstSightings>();
  testing::ScriptedTransport t;
  const std::string never_synced =
      R"([{"fail_count":0,"guest":"107","id":"107-0","jobnum":"0","last_sync":0,"last_try":0,"next_sync":1734506100,"source":"pve1","target":"pve2","type":"local","vmtype":"qemu"}])";
  testing::AnswerJobFiles(t, never_synced);
  const std::string rpo =
      JobSeries("replwatch_job_rpo_seconds", "107-0", "pve2");

  std::string text = testing::CollectJobs(collector, t, sightings).text;
  CHECK(SampleValue(text, rpo) == 0);
  CHECK(SampleValue(text, JobSeries("replwatch_job_last_sync_timestamp_seconds",
                                    "107-0", "pve2")) == 0);
  CHECK_FALSE(SampleValue(
      text, JobSeries("replwatch_job_duration_seconds", "107-0", "pve2")));

  now += 600;
  CHECK(SampleValue(testing::CollectJobs(collector, t, sightings).text, rpo) ==
        600);

  // Gone for a cycle: a job with the same id later is a new job.
  testing::AnswerJobFiles(t, "[]");
  CHECK(testing::CollectJobs(collector, t, sightings).facts->jobs.empty());
  now += 600;
  testing::AnswerJobFiles(t, never_synced);
  CHECK(SampleValue(testing::CollectJobs(collector, t, sightings).text, rpo) ==
        0);

  // A restart or reload (a new collector) finds the daemon's first sighting.
  now += 300;
  JobsCollector restarted([&now] { return now; });
  CHECK(SampleValue(testing::CollectJobs(restarted, t, sightings).text, rpo) ==
        300);
}

TEST_CASE("jobs: a schedule replwatch cannot read leaves out the interval",
          "[jobs]") {
  testing::CapturedLog log;
  JobsCollector collector([] { return 1734506000.0; });
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(
      t,
      R"([{"duration":3.5,"fail_count":0,"guest":"100","id":"100-0","jobnum":"0","last_sync":1734503400,"last_try":1734503400,"next_sync":1734504300,"schedule":"every full moon","source":"pve1","target":"pve2","type":"local","vmtype":"qemu"}])");
  const std::string text = testing::CollectJobs(collector, t).text;
  CHECK(testing::SampleCount(text, "replwatch_job_schedule_interval_seconds") ==
        0);
  CHECK(SampleValue(text, JobSeries("replwatch_job_info", "100-0", "pve2",
                                    ",schedule=\"every full moon\","
                                    "vmtype=\"qemu\"")) == 1);
  CHECK(SampleValue(text, JobSeries("replwatch_job_rpo_seconds", "100-0",
                                    "pve2")) == 1734506000 - 1734503400);
  // Warned once, not at every cycle.
  testing::CollectJobs(collector, t);
  CHECK(log.CountContaining("schedule 'every full moon' not understood") == 1);
}

TEST_CASE(
    "jobs: a state file or guest list that is not JSON fails the collector",
    "[jobs]") {
  JobsCollector collector;
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, R"([{"id":"100-0","target":"pve2"}])");
  REQUIRE(testing::CollectJobs(collector, t).facts->jobs.size() == 1);
  t.Answer(testing::kCatState, "{\"100\":{\"local/pve2\":{\"last_sync\":17");
  CHECK_THROWS_AS(testing::CollectJobs(collector, t), text::ParseError);
  testing::AnswerJobFiles(t, R"([{"id":"100-0","target":"pve2"}])");
  t.Answer(testing::kCatVmlist, "<html>proxy error</html>");
  CHECK_THROWS_AS(testing::CollectJobs(collector, t), text::ParseError);
}

TEST_CASE("jobs: no replication.cfg or state file is no job or no run yet",
          "[jobs]") {
  JobsCollector collector;
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, R"([{"id":"100-0","target":"pve2"}])");
  t.Answer(testing::kCatState, "", 1,
           "cat: /var/lib/pve-manager/pve-replication-state.json: No such "
           "file or directory\n");
  const auto run = testing::CollectJobs(collector, t);
  REQUIRE(run.facts->jobs.size() == 1);
  CHECK(run.facts->jobs[0].state.last_sync == 0);
  CHECK(run.facts->warnings.empty());
  t.Answer(testing::kCatConfig, "", 1,
           "cat: /etc/pve/replication.cfg: No such file or directory\n");
  CHECK(testing::CollectJobs(collector, t).facts->jobs.empty());
}

TEST_CASE("jobs: an unreadable state file fails the collector, saying why",
          "[jobs]") {
  JobsCollector collector;
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, R"([{"id":"100-0","target":"pve2"}])");
  t.Answer(testing::kCatState, "", 1,
           "cat: /var/lib/pve-manager/pve-replication-state.json: Permission "
           "denied\n");
  CHECK_THROWS_WITH(testing::CollectJobs(collector, t),
                    "/var/lib/pve-manager/pve-replication-state.json: exit "
                    "status 1 (cat: "
                    "/var/lib/pve-manager/pve-replication-state.json: "
                    "Permission denied); the node's jobs are not listed");
}

TEST_CASE("jobs: a run whose process is gone or reused is not syncing",
          "[jobs]") {
  JobsCollector collector([] { return 1734506000.0; });
  testing::ScriptedTransport t;
  const std::string running =
      R"([{"id":"105-0","target":"pve3","last_try":1734505200,"pid":4242}])";
  const std::string syncing =
      JobSeries("replwatch_job_syncing", "105-0", "pve3");
  testing::AnswerJobFiles(t, running);
  CHECK(SampleValue(testing::CollectJobs(collector, t).text, syncing) == 1);
  // pvesr died (no record_job_end): its pid now names another process.
  t.Answer(testing::ProcStatCommand(4242),
           "4242 (bash) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n");
  CHECK(SampleValue(testing::CollectJobs(collector, t).text, syncing) == 0);
  t.Answer(testing::ProcStatCommand(4242),
           "4242 (pvesr) Z 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5242 0 0\n");
  CHECK(SampleValue(testing::CollectJobs(collector, t).text, syncing) == 0);
  t.Answer(testing::ProcStatCommand(4242), "", 1,
           "cat: /proc/4242/stat: No such file or directory\n");
  CHECK(SampleValue(testing::CollectJobs(collector, t).text, syncing) == 0);
}

TEST_CASE("jobs: long ids are never cut into one series", "[jobs]") {
  // Two ids that agree in all but their last character (a guest's two jobs,
  // to two targets).
  const std::string a = "1234567890123456789-12345678901234567890";
  const std::string b = "1234567890123456789-12345678901234567891";
  JobsCollector collector;
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, R"([{"id":")" + a +
                                 R"(","target":"pve2","fail_count":9},)"
                                 R"({"id":")" +
                                 b + R"(","target":"pve3","fail_count":0}])");
  const auto run = testing::CollectJobs(collector, t);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_consecutive_failures", a,
                                        "pve2")) == 9);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_consecutive_failures", b,
                                        "pve3")) == 0);
  CHECK(testing::ReadExposition(run.text).size() > 0);
}

TEST_CASE("jobs: a target that is no node name skips the job, with a warning",
          "[jobs]") {
  JobsCollector collector;
  testing::ScriptedTransport t;
  testing::AnswerJobFiles(t, R"([{"id":"100-0","target":"pve2"},)"
                             R"({"id":"101-0","target":"pve 2; rm"},)"
                             R"({"id":"100-0","target":"pve3"}])");
  const auto run = testing::CollectJobs(collector, t);
  REQUIRE(run.facts->jobs.size() == 1);
  CHECK(run.facts->jobs[0].state.target == "pve2");
  REQUIRE(run.facts->warnings.size() == 2);
  CHECK_THAT(run.facts->warnings[0].message,
             Catch::Matchers::ContainsSubstring("duplicate job 100-0 ignored"));
  CHECK_THAT(run.facts->warnings[1].message,
             Catch::Matchers::ContainsSubstring("101-0 skipped"));
}

}  // namespace
}  // namespace replwatch

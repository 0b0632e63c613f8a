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
using testing::kCatConfig;
using testing::kPvesh;
using testing::SampleValue;

// `pvesh get /nodes/pve1/replication --output-format json` as PVE 8 prints it
// (proxmox-replication.md 2.3: canonical key order, guest/jobnum strings).
const char* const kHealthyJobs =
    R"([{"duration":3.554485,"fail_count":0,"guest":"100","id":"100-0","jobnum":"0","last_sync":1734503400,"last_try":1734503400,"next_sync":1734504300,"source":"pve1","target":"pve2","type":"local","vmtype":"qemu"},)"
    R"({"duration":77.550764,"fail_count":0,"guest":"105","id":"105-0","jobnum":"0","last_sync":1734501600,"last_try":1734505200,"next_sync":1734505500,"pid":4242,"schedule":"*/5","source":"pve1","target":"pve3","type":"local","vmtype":"lxc"},)"
    R"({"disable":1,"duration":2.1,"fail_count":0,"guest":"106","id":"106-0","jobnum":"0","last_sync":1734490000,"last_try":1734490000,"next_sync":1734491800,"schedule":"*/30","source":"pve1","target":"pve4","type":"local","vmtype":"qemu"},)"
    R"({"duration":1.02,"fail_count":0,"guest":"108","id":"108-0","jobnum":"0","last_sync":1734503000,"last_try":1734503000,"next_sync":1,"remove_job":"full","source":"pve1","target":"pve2","type":"local","vmtype":"qemu"}])";

// replication.cfg in PVE's SectionConfig layout (3.1).
const char* const kConfig =
    "local: 100-0\n\ttarget pve2\n\tsource pve1\n\n"
    "local: 105-0\n\ttarget pve3\n\tschedule */5\n\tsource pve1\n\n"
    "local: 106-0\n\tdisable\n\ttarget pve4\n\tschedule */30\n\tsource "
    "pve1\n\n"
    "local: 108-0\n\ttarget pve2\n\tremove_job full\n\tsource pve1\n";

TEST_CASE("jobs: pvesh states of healthy, syncing, disabled and removed jobs",
          "[jobs]") {
  const double now = 1734506000;
  JobsCollector collector([now] { return now; });
  testing::ScriptedTransport t;
  t.Answer(kPvesh, kHealthyJobs);
  t.Answer(kCatConfig, kConfig);
  const testing::JobsRun run = testing::CollectJobs(collector, t);
  const std::string& text = run.text;

  // No failing job: one pvesh, one config read, and the last-run log of
  // each job that synced (its transfer), once per run.
  CHECK(t.commands_run() ==
        std::vector<std::string>{
            kPvesh, kCatConfig, testing::LogCommand("100-0"),
            testing::LogCommand("106-0"), testing::LogCommand("108-0")});
  CHECK_FALSE(run.facts->from_pvesr_fallback);
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
  testing::ScriptedTransport t;
  const std::string never_synced =
      R"([{"fail_count":0,"guest":"107","id":"107-0","jobnum":"0","last_sync":0,"last_try":0,"next_sync":1734506100,"source":"pve1","target":"pve2","type":"local","vmtype":"qemu"}])";
  t.Answer(kPvesh, never_synced);
  t.Answer(kCatConfig, "local: 107-0\n\ttarget pve2\n\tsource pve1\n");
  const std::string rpo =
      JobSeries("replwatch_job_rpo_seconds", "107-0", "pve2");

  std::string text = testing::CollectJobs(collector, t).text;
  CHECK(SampleValue(text, rpo) == 0);
  CHECK(SampleValue(text, JobSeries("replwatch_job_last_sync_timestamp_seconds",
                                    "107-0", "pve2")) == 0);
  CHECK_FALSE(SampleValue(
      text, JobSeries("replwatch_job_duration_seconds", "107-0", "pve2")));

  now += 600;
  CHECK(SampleValue(testing::CollectJobs(collector, t).text, rpo) == 600);

  // Gone for a cycle: a job with the same id later is a new job.
  t.Answer(kPvesh, "[]");
  CHECK(testing::CollectJobs(collector, t).facts->jobs.empty());
  now += 600;
  t.Answer(kPvesh, never_synced);
  CHECK(SampleValue(testing::CollectJobs(collector, t).text, rpo) == 0);
}

TEST_CASE("jobs: a schedule replwatch cannot read leaves out the interval",
          "[jobs]") {
  testing::CapturedLog log;
  JobsCollector collector([] { return 1734506000.0; });
  testing::ScriptedTransport t;
  t.Answer(
      kPvesh,
      R"([{"duration":3.5,"fail_count":0,"guest":"100","id":"100-0","jobnum":"0","last_sync":1734503400,"last_try":1734503400,"next_sync":1734504300,"schedule":"every full moon","source":"pve1","target":"pve2","type":"local","vmtype":"qemu"}])");
  t.Answer(kCatConfig, "");
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

TEST_CASE("jobs: unparsable pvesh output fails the collector", "[jobs]") {
  JobsCollector collector;
  testing::ScriptedTransport t;
  t.Answer(kPvesh, "<html>proxy error</html>");
  t.Answer(kCatConfig, "");
  CHECK_THROWS_AS(testing::CollectJobs(collector, t), text::ParseError);
}

TEST_CASE("jobs: long ids are never cut into one series", "[jobs]") {
  // Two ids that agree in their first 32 characters.
  const std::string a = "1234567890123456789-12345678901234567890";
  const std::string b = "1234567890123456789-12345678901234567891";
  JobsCollector collector;
  testing::ScriptedTransport t;
  t.Answer(kPvesh, R"([{"id":")" + a +
                       R"(","target":"pve2","fail_count":9},)"
                       R"({"id":")" +
                       b + R"(","target":"pve2","fail_count":0}])");
  t.Answer(kCatConfig, "");
  const auto run = testing::CollectJobs(collector, t);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_consecutive_failures", a,
                                        "pve2")) == 9);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_consecutive_failures", b,
                                        "pve2")) == 0);
  CHECK(testing::ReadExposition(run.text).size() > 0);
}

TEST_CASE("jobs: a target that is no node name skips the job, with a warning",
          "[jobs]") {
  JobsCollector collector;
  testing::ScriptedTransport t;
  t.Answer(kPvesh, R"([{"id":"100-0","target":"pve2"},)"
                   R"({"id":"101-0","target":"pve 2; rm"},)"
                   R"({"id":"100-0","target":"pve3"}])");
  t.Answer(kCatConfig, "");
  const auto run = testing::CollectJobs(collector, t);
  REQUIRE(run.facts->jobs.size() == 1);
  CHECK(run.facts->jobs[0].state.target == "pve2");
  REQUIRE(run.facts->warnings.size() == 2);
  CHECK_THAT(run.facts->warnings[0].message,
             Catch::Matchers::ContainsSubstring("101-0 skipped"));
  CHECK_THAT(run.facts->warnings[1].message,
             Catch::Matchers::ContainsSubstring("100-0 listed twice"));
}

}  // namespace
}  // namespace replwatch

// The pvesr status fallback, the config merge and the failure paths.

#include <ctime>
#include <iomanip>
#include <sstream>

#include "collectors/jobs.h"
#include "collectors/jobs_testing.h"
#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

using testing::JobSeries;
using testing::kCatConfig;
using testing::kPvesh;
using testing::kPvesr;
using testing::SampleValue;

constexpr double kNow = 1795660000;

// A pvesr timestamp read independently of the collector: UTC by contract.
double UtcEpoch(const std::string& stamp) {
  std::tm tm{};
  std::istringstream in(stamp);
  in >> std::get_time(&tm, "%Y-%m-%d_%H:%M:%S");
  REQUIRE_FALSE(in.fail());
  return static_cast<double>(timegm(&tm));
}

TEST_CASE("jobs: every real pvesr status sample through the fallback",
          "[jobs]") {
  for (const auto& path : parsers::testing::FixtureFiles("pvesr")) {
    INFO(path.filename().string());
    const std::string output = parsers::testing::ReadFixture(path);
    JobsCollector collector([] { return kNow; });
    testing::ScriptedTransport t;  // no pvesh on this node
    t.Answer(kPvesr, output);
    t.Answer(kCatConfig, "");
    const testing::JobsRun run = testing::CollectJobs(collector, t);
    // Then the last-run logs of jobs that synced (their transfers).
    const std::vector<std::string>& run_commands = t.commands_run();
    REQUIRE(run_commands.size() >= 3);
    CHECK(std::vector<std::string>(run_commands.begin(),
                                   run_commands.begin() + 3) ==
          std::vector<std::string>{kPvesh, kPvesr, kCatConfig});
    for (std::size_t i = 3; i < run_commands.size(); ++i) {
      CHECK(run_commands[i].rfind("cat /var/log/pve/replicate/", 0) == 0);
    }
    CHECK(run.facts->from_pvesr_fallback);
    CHECK(testing::SampleCount(
              run.text, "replwatch_job_last_try_timestamp_seconds") == 0);
    CHECK(testing::PromtoolComplaints(run.text).empty());

    std::istringstream lines(output);
    std::string line;
    std::size_t rows = 0;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      std::istringstream row(line);
      std::string id, enabled, target, last, next, duration, fails, state;
      row >> id >> enabled >> target >> last >> next >> duration >> fails >>
          state;
      ++rows;
      target = target.substr(std::string("local/").size());
      const auto series = [&](const char* name) {
        return SampleValue(run.text, JobSeries(name, id, target));
      };
      const double last_sync = last == "-" ? 0 : UtcEpoch(last);
      CHECK(series("replwatch_job_last_sync_timestamp_seconds") == last_sync);
      CHECK(series("replwatch_job_next_sync_timestamp_seconds") ==
            (next == "pending" ? kNow : UtcEpoch(next)));
      CHECK(series("replwatch_job_syncing") == (state == "SYNCING" ? 1 : 0));
      CHECK(series("replwatch_job_consecutive_failures") == std::stod(fails));
      CHECK(series("replwatch_job_enabled") == 1);
      if (duration == "-") {
        CHECK_FALSE(series("replwatch_job_duration_seconds"));
      } else {
        CHECK(series("replwatch_job_duration_seconds") ==
              Approx(std::stod(duration)));
      }
      // Never synced: counted from this first sighting.
      CHECK(series("replwatch_job_rpo_seconds") ==
            (last_sync == 0 ? 0 : kNow - last_sync));
      CHECK(SampleValue(run.text,
                        JobSeries("replwatch_job_info", id, target,
                                  ",schedule=\"*/15\",vmtype=\"\"")) == 1);
    }
    CHECK(run.facts->jobs.size() == rows);
    CHECK(rows > 0);
  }
}

// `pvesr status` rows PVE prints for a failing (multi-line State) and a
// disabled job (proxmox-replication.md 1.2).
const char* const kPvesrFailing =
    "JobID      Enabled    Target                           LastSync        "
    "     NextSync   Duration  FailCount State\n"
    "104-0      Yes        local/pve2            2024-12-18_07:00:04         "
    "     pending        1.2          1 No common base snapshot on volume(s) "
    "local-zfs:vm-104-disk-0\n"
    "Please remove the problematic volume(s) from the replication target or "
    "delete and re-create the whole job 104-0\n"
    "106-0      No         local/pve3            2024-12-18_06:00:00  "
    "2024-12-19_06:00:00   3.77723          0 OK\n";

const char* const kConfig =
    "local: 104-0\n\ttarget pve2\n\tremove_job local\n\tschedule */5\n\t"
    "source pve1\n\n"
    "local: 106-0\n\tdisable\n\ttarget pve3\n\trate 10\n\tschedule 22:30\n\t"
    "source pve1\n";

TEST_CASE("jobs: pvesh failing, pvesr rows merged with replication.cfg",
          "[jobs]") {
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  t.Answer(kPvesh, "", 255, "ipcc_send_rec[1] failed: Connection refused\n");
  t.Answer(kPvesr, kPvesrFailing);
  t.Answer(kCatConfig, kConfig);
  t.Answer(testing::LogCommand("104-0"), "");
  const testing::JobsRun run = testing::CollectJobs(collector, t);
  CHECK(t.commands_run() ==
        std::vector<std::string>{kPvesh, kPvesr, kCatConfig,
                                 testing::LogCommand("104-0"),
                                 testing::LogCommand("106-0")});
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_info", "104-0", "pve2",
                                        ",schedule=\"*/5\",vmtype=\"\"")) == 1);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_schedule_interval_"
                                        "seconds",
                                        "104-0", "pve2")) == 300);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_removal_pending",
                                        "104-0", "pve2")) == 1);
  CHECK(SampleValue(run.text,
                    JobSeries("replwatch_job_last_error_info", "104-0", "pve2",
                              ",class=\"snapshot_chain\"")) == 1);
  CHECK(SampleValue(run.text,
                    JobSeries("replwatch_job_enabled", "106-0", "pve3")) == 0);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_schedule_interval_"
                                        "seconds",
                                        "106-0", "pve3")) == 86400);
  CHECK(run.facts->jobs.at(0).state.error->find("\nPlease remove") !=
        std::string::npos);
  CHECK(run.facts->ReplicationTargets() == std::vector<std::string>{"pve2"});
}

TEST_CASE("jobs: an unreadable replication.cfg leaves the state alone",
          "[jobs]") {
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  t.Answer(kPvesr, kPvesrFailing);
  t.Answer(kCatConfig, "", 1,
           "cat: /etc/pve/replication.cfg: Transport endpoint is not "
           "connected\n");
  const testing::JobsRun run = testing::CollectJobs(collector, t);
  CHECK(run.facts->jobs.size() == 2);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_info", "104-0", "pve2",
                                        ",schedule=\"*/15\",vmtype=\"\"")) ==
        1);
  CHECK(SampleValue(run.text, JobSeries("replwatch_job_removal_pending",
                                        "104-0", "pve2")) == 0);
}

TEST_CASE("jobs: no job state at all fails the collector", "[jobs]") {
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  t.Answer(kCatConfig, "");
  SECTION("neither tool installed") {}
  SECTION("pvesh and pvesr exit non-zero") {
    t.Answer(kPvesh, "", 2, "ipcc_send_rec[1] failed: Unknown error -1\n");
    t.Answer(kPvesr, "", 2, "ipcc_send_rec[1] failed: Unknown error -1\n");
  }
  SECTION("pvesr prints something else") {
    t.Answer(kPvesr, "Usage: pvesr <COMMAND> [ARGS] [OPTIONS]\n");
  }
  CHECK_THROWS_AS(testing::CollectJobs(collector, t), CollectorError);
  CHECK(t.commands_run() == std::vector<std::string>{kPvesh, kPvesr});
}

TEST_CASE("jobs: a lost connection is not a reason to try pvesr", "[jobs]") {
  JobsCollector collector([] { return kNow; });
  testing::ScriptedTransport t;
  t.Fail(kPvesh, TransportFailure::kTimeout);
  t.Answer(kPvesr, kPvesrFailing);
  CHECK_THROWS_AS(testing::CollectJobs(collector, t), TransportError);
  CHECK(t.commands_run() == std::vector<std::string>{kPvesh});
}

}  // namespace
}  // namespace replwatch

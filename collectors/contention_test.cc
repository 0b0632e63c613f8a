#include "collectors/contention.h"

#include "collectors/parsers/date_parser.h"
#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"
#include "testing/exposition_checks.h"
#include "testing/scripted_transport.h"

namespace replwatch {
namespace {

using testing::ScriptedTransport;

constexpr const char* kOffset = "date +%z";
constexpr const char* kJobs = "cat /etc/pve/jobs.cfg";
constexpr const char* kTasks = "cat /var/log/pve/tasks/active";
constexpr const char* kCron = "cat /etc/cron.d/zfsutils-linux";
constexpr const char* kTimers = "ls -1 /etc/systemd/system/timers.target.wants";

std::shared_ptr<const ContentionFacts> Collect(ScriptedTransport& transport) {
  testing::TestContext context;
  context.node.name = "pve2";
  ContentionCollector collector;
  auto facts = std::dynamic_pointer_cast<const ContentionFacts>(
      collector.Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  return facts;
}

TEST_CASE("contention: backup jobs, running backups, scrub schedules",
          "[contention]") {
  ScriptedTransport transport;
  transport.Answer(kOffset, "+0100\n");
  transport.Answer(kJobs, parsers::testing::ReadTestdata("jobs.cfg"));
  transport.Answer(kTasks, parsers::testing::ReadTestdata("tasks-active.txt"));
  transport.Answer(kCron,
                   parsers::testing::ReadTestdata("cron.d-zfsutils-linux"));
  transport.Answer(kTimers, "zfs-scrub-weekly@tank.timer\n");
  const auto facts = Collect(transport);
  CHECK(facts->warnings.empty());
  CHECK(facts->utc_offset_seconds == 3600);
  // pve1's job is not pve2's, the weekly one is disabled.
  REQUIRE(facts->backup_jobs.size() == 1);
  CHECK(facts->backup_jobs[0].id == "backup-07cdf241-8b56");
  REQUIRE(facts->backups.size() == 2);  // the qmigrate task is no backup
  CHECK(facts->RunningBackups() == 1);
  CHECK(facts->backups[0].start == 0x66F1A2B3);
  // The finished one ran 0x66F19000..0x66F19A10, the running one from
  // 0x66F1A2B3 on.
  CHECK(facts->BackupDuring(0x66F19000 - 10, 0x66F19000 + 1, 0x66F1A2B3));
  CHECK_FALSE(facts->BackupDuring(0x66F19A10, 0x66F1A2B3, 0x66F1A2B3 + 60));
  CHECK(facts->BackupDuring(0x66F1A2B3 + 30, 0x66F1A2B3 + 40, 0x66F1A2B3 + 60));
  REQUIRE(facts->last_backup_seconds);
  CHECK(*facts->last_backup_seconds == 0x66F19A10 - 0x66F19000);
  REQUIRE(facts->scrubs.size() == 2);
  CHECK(facts->scrubs[0].pool.empty());
  CHECK(facts->scrubs[1].pool == "tank");
  const std::string text = testing::RenderText(*facts, "pve2");
  CHECK(
      testing::SampleValue(
          text,
          R"(replwatch_node_backups_running{pve_cluster="lab",node="pve2"})") ==
      1);
  CHECK(testing::SampleValue(
            text,
            R"(replwatch_node_backup_jobs{pve_cluster="lab",node="pve2"})") ==
        1);
}

TEST_CASE("contention: missing files are empty, other failures warned",
          "[contention]") {
  ScriptedTransport transport;
  transport.Answer(kOffset, "-0530\n");
  const std::string missing = ": No such file or directory\n";
  transport.Answer(kJobs, "", 1, "cat: /etc/pve/jobs.cfg" + missing);
  transport.Answer(kTasks, "", 1,
                   "cat: /var/log/pve/tasks/active: Permission denied\n");
  transport.Answer(kCron, "", 1, "cat: /etc/cron.d/zfsutils-linux" + missing);
  transport.Answer(kTimers, "", 2,
                   "ls: cannot access '/etc/systemd/system/"
                   "timers.target.wants'" +
                       missing);
  const auto facts = Collect(transport);
  CHECK(facts->utc_offset_seconds == -19800);
  CHECK(facts->backup_jobs.empty());
  CHECK(facts->scrubs.empty());
  REQUIRE(facts->warnings.size() == 1);
  CHECK(facts->warnings[0].message ==
        "/var/log/pve/tasks/active: exit status 1 (cat: "
        "/var/log/pve/tasks/active: Permission denied); read as empty");
}

TEST_CASE("contention: a clock without a zone fails the collector",
          "[contention]") {
  ScriptedTransport transport;
  transport.Answer(kOffset, "%z\n");
  CHECK_THROWS_WITH(Collect(transport),
                    "date +%z printed '%z', not a UTC offset");
  CHECK(parsers::ParseUtcOffset("+1400") == 50400);
  CHECK_FALSE(parsers::ParseUtcOffset("+1500"));
  CHECK_FALSE(parsers::ParseUtcOffset("0100"));
}

}  // namespace
}  // namespace replwatch

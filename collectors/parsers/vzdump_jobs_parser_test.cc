#include "collectors/parsers/vzdump_jobs_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("jobs.cfg as PVE writes it", "[vzdump_jobs]") {
  const VzdumpJobs cfg = ParseVzdumpJobs(testing::ReadTestdata("jobs.cfg"));
  CHECK(cfg.warnings.empty());
  REQUIRE(cfg.jobs.size() == 3);  // the realm-sync section is skipped

  const VzdumpJob& nightly = cfg.jobs[0];
  CHECK(nightly.id == "backup-2a8b3c1d-4e5f");
  CHECK(nightly.schedule == "21:00");
  CHECK(nightly.enabled);
  CHECK(nightly.node == "pve1");
  CHECK(nightly.all);
  CHECK(nightly.exclude == std::set<std::uint64_t>{105, 106});
  CHECK(nightly.Covers(100));
  CHECK_FALSE(nightly.Covers(105));

  const VzdumpJob& weekly = cfg.jobs[1];
  CHECK(weekly.schedule == "sat 02:30");
  CHECK_FALSE(weekly.enabled);
  CHECK(weekly.node.empty());
  CHECK(weekly.vmids == std::set<std::uint64_t>{100, 101, 203});
  CHECK(weekly.Covers(203));
  CHECK_FALSE(weekly.Covers(102));

  CHECK(cfg.jobs[2].schedule == "2:00");
  CHECK(cfg.jobs[2].all);
}

TEST_CASE("jobs.cfg: enabled by default, lists split like PVE's",
          "[vzdump_jobs]") {
  const VzdumpJobs cfg = ParseVzdumpJobs(
      "vzdump: a\n\tschedule daily\n\tvmid 100;101 102\n\n"
      "vzdump: b\n\tschedule hourly\n\tpool prod\n");
  REQUIRE(cfg.jobs.size() == 2);
  CHECK(cfg.jobs[0].enabled);
  CHECK(cfg.jobs[0].vmids == std::set<std::uint64_t>{100, 101, 102});
  CHECK(cfg.jobs[1].Covers(999));  // a resource pool's members are unknown
}

TEST_CASE("jobs.cfg: bad sections and values are warnings", "[vzdump_jobs]") {
  const VzdumpJobs cfg = ParseVzdumpJobs(
      "vzdump:\n\tschedule daily\n\n"
      "vzdump: no-schedule\n\tall 1\n\n"
      "vzdump: bad-list\n\tschedule daily\n\tvmid 100,abc\n\tnode ../x\n\n"
      "garbage\n");
  REQUIRE(cfg.jobs.size() == 1);
  CHECK(cfg.jobs[0].id == "bad-list");
  CHECK(cfg.jobs[0].vmids.empty());
  CHECK(cfg.jobs[0].node.empty());
  REQUIRE(cfg.warnings.size() == 5);
  // The file's header lines first (read by the shared SectionConfig reader),
  // then what each job's options say.
  CHECK(cfg.warnings[0].message == "jobs.cfg: not a section header: vzdump:");
  CHECK(cfg.warnings[1].message == "jobs.cfg: not a section header: garbage");
  CHECK(cfg.warnings[2].message == "job no-schedule has no schedule");
  CHECK(cfg.warnings[3].message == "job bad-list: invalid vmid list '100,abc'");
  CHECK(cfg.warnings[4].message == "job bad-list: invalid node '../x'");
  CHECK_THROWS(ParseVzdumpJobs(std::string("vzdump: a\n\0", 11)));
}

}  // namespace
}  // namespace replwatch::parsers

#include "collectors/parsers/task_list_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("active tasks as write_active_workers writes them", "[task_list]") {
  const PveTaskList list =
      ParseActiveTasks(testing::ReadTestdata("tasks-active.txt"));
  CHECK(list.warnings.empty());
  REQUIRE(list.tasks.size() == 3);

  const PveTask& running = list.tasks[0];
  CHECK(running.node == "pve1");
  CHECK(running.pid == 0x3A1F2);
  CHECK(running.start == 0x66F1A2B3);
  CHECK(running.type == "vzdump");
  CHECK(running.id.empty());  // several guests
  CHECK(running.user == "root@pam");
  CHECK_FALSE(running.end);

  const PveTask& done = list.tasks[1];
  CHECK(done.id == "100");
  REQUIRE(done.end);
  CHECK(*done.end == 0x66F19A10);
  CHECK(done.status == "OK");
  CHECK(list.tasks[2].status == "migration problems");
}

TEST_CASE("active tasks: malformed lines are warnings", "[task_list]") {
  const char* bad[] = {
      "UPID:pve1:0003A1F2:01B2C3D4:66F1A2B3:vzdump::root@pam 0",  // no ':'
      "UPID:pve1:3A1F2:01B2C3D4:66F1A2B3:vzdump::root@pam: 0",    // short pid
      "UPID:pve1:0003A1F2:01B2C3D4:66F1A2B3:vzdump::root@pam:x: 0",
      "UPID:pve1:0003A1F2:01B2C3D4:66F1A2B3:vz/dump::root@pam: 0",
      "UPID:pve1:0003A1F2:01B2C3D4:66F1A2B3:vzdump::root@pam: 2",
      "UPID:pve1:0003A1F2:01B2C3D4:66F1A2B3:vzdump::root@pam: 1 zz OK",
      "UPID:-pve:0003A1F2:01B2C3D4:66F1A2B3:vzdump::root@pam: 0",
      "some text",
  };
  for (const char* line : bad) {
    INFO(line);
    const PveTaskList list = ParseActiveTasks(line);
    CHECK(list.tasks.empty());
    REQUIRE(list.warnings.size() == 1);
    CHECK(list.warnings[0].message.rfind("not a task line: '", 0) == 0);
  }
  // pstart has 9 digits after ~497 days of uptime.
  CHECK(ParseActiveTasks(
            "UPID:pve1:0003A1F2:101B2C3D4:66F1A2B3:vzdump:100:root@pam: 0")
            .tasks.size() == 1);
}

}  // namespace
}  // namespace replwatch::parsers

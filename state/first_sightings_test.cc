#include "state/first_sightings.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "testing/catch.h"
#include "testing/temp_dir.h"

namespace replwatch {
namespace {

using Present = std::map<std::string, std::string>;
using Seen = std::map<std::string, double>;
constexpr const char* kTokens = "lab/pve2/resume_tokens";
constexpr const char* kUnsynced = "lab/pve1/never_synced_jobs";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("a sighting keeps its first time while its identity is unchanged",
          "[state]") {
  FirstSightings sightings;
  CHECK(sightings.Update(kTokens, {{"rpool/data/vm-100-disk-0", "1-abc"}},
                         100) == Seen{{"rpool/data/vm-100-disk-0", 100}});
  CHECK(sightings.Update(kTokens, {{"rpool/data/vm-100-disk-0", "1-abc"}},
                         160) == Seen{{"rpool/data/vm-100-disk-0", 100}});
  // Another token on the same dataset is another interrupted receive.
  CHECK(sightings.Update(kTokens, {{"rpool/data/vm-100-disk-0", "1-def"}},
                         220) == Seen{{"rpool/data/vm-100-disk-0", 220}});
  // Gone, then back: a new sighting.
  CHECK(sightings.Update(kTokens, {}, 280).empty());
  CHECK(sightings.Update(kTokens, {{"rpool/data/vm-100-disk-0", "1-def"}},
                         340) == Seen{{"rpool/data/vm-100-disk-0", 340}});
  // Scopes do not see each other's keys.
  CHECK(sightings.Update(kUnsynced, {{"100-0", ""}}, 400) ==
        Seen{{"100-0", 400}});
  CHECK(sightings.problem().empty());
}

TEST_CASE("first sightings survive a restart through the state file",
          "[state]") {
  testing::TempDir dir("replwatch-state-test");
  const std::string path = dir.File("first-sightings");
  {
    FirstSightings before(path);
    CHECK(before.problem().empty());  // no file yet: a fresh start
    before.Update(kTokens, {{"rpool/data/vm-100-disk-0", "1-abc"}}, 100.5);
    before.Update(kUnsynced, {{"100-0", ""}, {"101-0", ""}}, 200);
  }
  FirstSightings after(path);
  CHECK(after.problem().empty());
  CHECK(after.Update(kTokens, {{"rpool/data/vm-100-disk-0", "1-abc"}}, 900) ==
        Seen{{"rpool/data/vm-100-disk-0", 100.5}});
  CHECK(after.Update(kUnsynced, {{"101-0", ""}}, 900) == Seen{{"101-0", 200}});
  CHECK(Read(path) ==
        "replwatch first sightings v1\n"
        "lab/pve1/never_synced_jobs\t101-0\t-\t200\n"
        "lab/pve2/resume_tokens\trpool/data/vm-100-disk-0\t1-abc\t100.5\n");
  // Any time comes back as exactly the same double (the exposition shows it).
  after.Update(kUnsynced, {{"102-0", ""}}, 1796613097.87937);
  CHECK(FirstSightings(path).Update(kUnsynced, {{"102-0", ""}}, 0) ==
        Seen{{"102-0", 1796613097.87937}});
}

TEST_CASE("a damaged or foreign state file is reported and replaced",
          "[state]") {
  testing::TempDir dir("replwatch-state-test");
  using namespace std::string_literals;
  struct Case {
    std::string text;
    const char* problem;
  };
  const Case cases[] = {
      {"{\"tokens\": {}}\n",
       "not a replwatch first-sightings file: it does not start with "
       "\"replwatch first sightings v1\""},
      {"replwatch first sightings v1\nlab/pve2/resume_tokens\trpool/x\t1-a\n",
       "line 2: expected <scope> TAB <key> TAB <identity> TAB <epoch "
       "seconds>"},
      {"replwatch first sightings v1\nlab/pve2/resume_tokens\trpool/x\t1-a\t"
       "nan\n",
       "line 2: expected"},
      {"replwatch first sightings v1\nlab\tk\t-\t1\0\n"s, "NUL"},
  };
  for (const Case& c : cases) {
    const std::string path = dir.Write("first-sightings", c.text);
    FirstSightings sightings(path);
    INFO(c.problem);
    CHECK_THAT(sightings.problem(),
               Catch::Matchers::ContainsSubstring(path) &&
                   Catch::Matchers::ContainsSubstring(c.problem) &&
                   Catch::Matchers::ContainsSubstring("starting afresh"));
    // It works from memory, and the next change replaces the file.
    CHECK(sightings.Update(kUnsynced, {{"100-0", ""}}, 50) ==
          Seen{{"100-0", 50}});
    CHECK(sightings.problem().empty());
    CHECK(FirstSightings(path).problem().empty());
  }
}

TEST_CASE("a state file that cannot be written is reported, not fatal",
          "[state]") {
  testing::TempDir dir("replwatch-state-test");
  FirstSightings sightings(dir.File("missing-dir/first-sightings"));
  CHECK(sightings.Update(kUnsynced, {{"100-0", ""}}, 50) ==
        Seen{{"100-0", 50}});
  CHECK_THAT(sightings.problem(),
             Catch::Matchers::ContainsSubstring("cannot create") &&
                 Catch::Matchers::ContainsSubstring("No such file"));
  CHECK(sightings.Update(kUnsynced, {{"100-0", ""}}, 90) ==
        Seen{{"100-0", 50}});
}

TEST_CASE("a writer killed at any moment leaves a readable state file",
          "[state]") {
  testing::TempDir dir("replwatch-state-test");
  const std::string path = dir.File("first-sightings");
  constexpr int kJobs = 20000;  // about 1 MB a write
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  const pid_t writer = fork();
  REQUIRE(writer >= 0);
  if (writer == 0) {
    close(ready[0]);
    FirstSightings sightings(path);
    // Each write has a new identity, so every Update rewrites the file.
    for (long i = 0;; ++i) {
      Present present;
      for (int job = 0; job < kJobs; ++job) {
        present["job-" + std::to_string(job)] = "run-" + std::to_string(i);
      }
      sightings.Update(kUnsynced, present, 1000 + i);
      if (write(ready[1], "w", 1) != 1) _exit(1);
    }
  }
  close(ready[1]);
  // Let it write 20 times, then kill it: mostly in the middle of a write,
  // which takes most of its time.
  char byte;
  for (int writes = 0; writes < 20; ++writes) {
    REQUIRE(read(ready[0], &byte, 1) == 1);
  }
  kill(writer, SIGKILL);
  int status = 0;
  waitpid(writer, &status, 0);
  close(ready[0]);
  CHECK(WIFSIGNALED(status));

  // One complete write: the header and all jobs of the same run.
  const std::string text = Read(path);
  std::istringstream lines(text);
  std::string line;
  REQUIRE(std::getline(lines, line));
  CHECK(line == "replwatch first sightings v1");
  std::set<std::string> runs;
  int jobs = 0;
  while (std::getline(lines, line)) {
    ++jobs;
    runs.insert(
        line.substr(line.find("run-"), line.rfind('\t') - line.find("run-")));
  }
  CHECK(jobs == kJobs);
  CHECK(runs.size() == 1);
  CHECK(FirstSightings(path).problem().empty());
}

}  // namespace
}  // namespace replwatch

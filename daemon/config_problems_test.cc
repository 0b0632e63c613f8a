#include "daemon/config_problems.h"

#include <string>

#include "testing/catch.h"

namespace replwatch {
namespace {

TEST_CASE("CapLine keeps short lines and marks what it cuts") {
  CHECK(CapLine("short", 10) == "short");
  CHECK(CapLine("exactly10!", 10) == "exactly10!");
  CHECK(CapLine(std::string(1000, 'x'), 10) == "xxxxxxxxxx … (990 more bytes)");
}

TEST_CASE("CapLine never cuts a UTF-8 character in two") {
  // "é" is 2 bytes, "€" 3, "𝄞" 4: a cut inside each backs up to its start.
  CHECK(CapLine("abcé", 4) == "abc … (2 more bytes)");
  CHECK(CapLine("ab€x", 3) == "ab … (4 more bytes)");
  CHECK(CapLine("ab€x", 4) == "ab … (4 more bytes)");
  CHECK(CapLine("ab€x", 5) == "ab€ … (1 more bytes)");
  CHECK(CapLine("a𝄞b", 4) == "a … (5 more bytes)");
  // Bytes that only look like continuations (invalid UTF-8) are cut after
  // three steps back at most.
  CHECK(CapLine("a" + std::string(10, '\x80'), 6).size() <= 6 + 20);
}

TEST_CASE("ProblemLines caps every line and counts what it leaves out") {
  const std::vector<std::string> problems = {
      "f:1:1: " + std::string(100000, 'v'), "f:2:1: two", "f:3:1: three"};
  const auto lines = ProblemLines(problems, 2);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].size() < kMaxProblemLineBytes + 32);
  CHECK_THAT(lines[0],
             Catch::Matchers::EndsWith(" … (" + std::to_string(100007 - 512) +
                                       " more bytes)"));
  CHECK(lines[1] == "f:2:1: two");
  CHECK(lines[2] == "… and 1 more problems");
  CHECK(ProblemLines(problems, 3).size() == 3);
}

TEST_CASE("SplitLines splits a multi-line error into its lines") {
  CHECK(SplitLines("a:1:1: x\nb:2:2: y") ==
        std::vector<std::string>{"a:1:1: x", "b:2:2: y"});
  CHECK(SplitLines("one") == std::vector<std::string>{"one"});
  CHECK(SplitLines("").empty());
}

}  // namespace
}  // namespace replwatch

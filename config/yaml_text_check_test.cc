#include "config/yaml_text_check.h"

#include <string>

#include "testing/catch.h"

namespace replwatch {
namespace {

std::string Nested(int levels) {
  return "a: " + std::string(levels, '[') + std::string(levels, ']') + "\n";
}

std::string BlockNested(int levels) {
  std::string text;
  for (int i = 0; i < levels; ++i) {
    text += std::string(i, ' ') + "k" + std::to_string(i) + ":\n";
  }
  return text;
}

}  // namespace

TEST_CASE("a NUL byte is named with its position", "[config]") {
  const auto problem =
      FindYamlTextProblem(std::string("clusters:\n  - name: a\0b\n", 23));
  REQUIRE(problem);
  CHECK(problem->line == 1);
  CHECK(problem->column == 11);
  CHECK(problem->message ==
        "control character 0x00 (NUL); a config file is text");
}

TEST_CASE("tabs, CR and LF are text, other control bytes are not", "[config]") {
  CHECK_FALSE(FindYamlTextProblem("a:\t1\r\nb: 2\r\n"));
  const auto problem = FindYamlTextProblem("a: \x1b[31m\n");
  REQUIRE(problem);
  CHECK(problem->message.rfind("control character 0x1B;", 0) == 0);
}

TEST_CASE("deep flow nesting is refused at the level that passes the limit",
          "[config]") {
  CHECK_FALSE(FindYamlTextProblem(Nested(kMaxYamlNesting - 1)));
  const auto problem = FindYamlTextProblem(Nested(20000));
  REQUIRE(problem);
  CHECK(problem->line == 0);
  CHECK(problem->column == 3 + kMaxYamlNesting - 1);
  CHECK(problem->message.find("nesting deeper than 64 levels") !=
        std::string::npos);
}

TEST_CASE("deep block nesting is refused too, siblings do not add up",
          "[config]") {
  CHECK_FALSE(FindYamlTextProblem(BlockNested(kMaxYamlNesting)));
  REQUIRE(FindYamlTextProblem(BlockNested(kMaxYamlNesting + 1)));
  std::string siblings;
  for (int i = 0; i < 1000; ++i) siblings += "k" + std::to_string(i) + ": 1\n";
  CHECK_FALSE(FindYamlTextProblem(siblings));
}

TEST_CASE("brackets in quotes and comments do not nest", "[config]") {
  const std::string many(200, '[');
  CHECK_FALSE(FindYamlTextProblem("a: \"" + many + "\"\n"));
  CHECK_FALSE(FindYamlTextProblem("a: '" + many + "'\n"));
  CHECK_FALSE(FindYamlTextProblem("a: 1 # " + many + "\n"));
  CHECK_FALSE(FindYamlTextProblem("a: \"\\\"" + many + "\"\n"));
}

}  // namespace replwatch

#include "collectors/parsers/ha_config_parser.h"

#include "collectors/parsers/section_config.h"
#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

using testing::ReadTestdata;

// The testdata files are what pve-ha-manager 5.2.0's writers print
// (SectionConfig, tab-indented, a blank line between sections).

TEST_CASE("ha resources: states, defaults and PVE 8 groups", "[ha]") {
  text::ParseWarnings warnings;
  const auto resources =
      ParseHaResources(ReadTestdata("ha-resources.cfg"), &warnings);
  CHECK(warnings.size() == 0);
  REQUIRE(resources.size() == 3);
  CHECK(resources.at(100).type == "vm");
  CHECK(resources.at(100).state == "started");
  CHECK(resources.at(101).type == "ct");
  CHECK(resources.at(101).state == "started");  // the default
  CHECK(resources.at(103).state == "started");  // a bare section

  const auto pve8 = ParseHaResources(
      "vm: 100\n\tgroup prod\n\tstate enabled\n\nct: 102\n\tstate ignored\n"
      "\nvm: x\n\tstate started\n",
      &warnings);
  CHECK(pve8.at(100).group == "prod");
  CHECK(pve8.at(100).state == "started");  // an alias
  CHECK(pve8.at(102).state == "ignored");
  CHECK(pve8.count(0) == 0);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0].message,
             Catch::Matchers::ContainsSubstring("not a guest"));
}

TEST_CASE("ha groups: nodes with priorities, restricted", "[ha]") {
  text::ParseWarnings warnings;
  const auto groups = ParseHaGroups(ReadTestdata("ha-groups.cfg"), &warnings);
  CHECK(warnings.size() == 0);
  REQUIRE(groups.size() == 2);
  CHECK(groups.at("mygroup1").nodes ==
        std::map<std::string, int>{
            {"node1", 2}, {"node2", 1}, {"node3", 1}, {"node4", 0}});
  CHECK_FALSE(groups.at("mygroup1").strict);
  CHECK(groups.at("mygroup2").strict);

  CHECK(ParseHaGroups("group: broken\n\tnodes node1:x\n", &warnings).empty());
  CHECK(warnings.size() == 1);
}

TEST_CASE("ha rules: node-affinity only, strict, disabled ones skipped",
          "[ha]") {
  text::ParseWarnings warnings;
  const auto rules =
      ParseHaNodeAffinityRules(ReadTestdata("ha-rules.cfg"), &warnings);
  CHECK(warnings.size() == 0);
  REQUIRE(rules.size() == 2);  // the resource-affinity rule says no node
  CHECK(rules[0].guests == std::set<std::uint64_t>{101});
  CHECK_FALSE(rules[0].strict);
  CHECK(rules[1].guests == std::set<std::uint64_t>{100});
  CHECK(rules[1].strict);
  CHECK(rules[1].nodes.size() == 2);

  // pve-ha-manager skips a rule with `disable` of any value.
  CHECK(ParseHaNodeAffinityRules("node-affinity: off\n\tdisable\n\tnodes a\n"
                                 "\tresources vm:100\n",
                                 &warnings)
            .empty());
}

TEST_CASE("section config: PVE's parse rules", "[ha]") {
  text::ParseWarnings warnings;
  // A blank line ends a section: an indented line after it belongs to none.
  const auto sections = ParseSectionConfig(
      "# comment\nvm: 100\n    state stopped\n\tdisable\n\n\tstray 1\n"
      "bad header\n\tignored 1\nct: 101\n",
      "test.cfg", &warnings);
  REQUIRE(sections.size() == 2);
  CHECK(sections[0].type == "vm");
  CHECK(sections[0].id == "100");
  CHECK(*sections[0].Option("state") == "stopped");
  CHECK(sections[0].Flag("disable"));
  CHECK(sections[0].Option("stray") == nullptr);
  CHECK(sections[1].id == "101");
  CHECK(sections[1].line == 9);
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[1].message, Catch::Matchers::ContainsSubstring(
                                      "test.cfg: not a section header"));
  CHECK_THROWS(ParseSectionConfig(std::string("vm: 1\0", 6), "x", &warnings));
}

}  // namespace
}  // namespace replwatch::parsers

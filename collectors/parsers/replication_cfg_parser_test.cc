#include "collectors/parsers/replication_cfg_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("replication.cfg in PVE's writer order", "[replication_cfg]") {
  const ReplicationConfig cfg =
      ParseReplicationConfig(testing::ReadTestdata("replication.cfg"));
  REQUIRE(cfg.jobs.size() == 3);
  const auto& a = cfg.jobs[0];
  CHECK(a.id == "100-0");
  CHECK(a.type == "local");
  CHECK(a.guest == 100u);
  CHECK(a.target == "pve2");
  CHECK(a.rate_mbps == Approx(10.0));
  CHECK(a.schedule == "*/5");
  CHECK(a.source == "pve1");
  CHECK_FALSE(a.disabled);
  CHECK(a.line == 1u);

  const auto& b = cfg.jobs[1];
  CHECK(b.disabled);
  CHECK(b.comment == "nightly: DB % done\nline2");
  CHECK(b.schedule == "22:30");
  CHECK_FALSE(b.rate_mbps.has_value());

  const auto& c = cfg.jobs[2];
  CHECK(c.id == "102-1");  // integers are normalised like PVE does
  CHECK_FALSE(c.schedule.has_value());
  REQUIRE(c.unknown_options.count("frobnicate") == 1);
  CHECK(c.unknown_options.at("frobnicate") == "yes");
  REQUIRE(cfg.warnings.size() == 1);
  CHECK(cfg.warnings[0].line == 17u);
}

TEST_CASE("replication.cfg: bad sections become warnings",
          "[replication_cfg]") {
  const ReplicationConfig cfg = ParseReplicationConfig(
      "local: 99-0\n\ttarget a\n\n"   // reserved guest id
      "garbage line\n\ttarget b\n\n"  // header without ':'
      "local: abc\n\ttarget c\n\n"    // bad id
      "local: 100-0\n\ttarget x\n\n"
      "local: 100-0\n\ttarget y\n\n"    // duplicate id
      "local: 100-1\n\ttarget x\n\n"    // same guest and target
      "local: 200-0\n\tschedule */5\n"  // no target, no final newline
      "\trate 1,5");                    // decimal comma
  REQUIRE(cfg.jobs.size() == 2);
  CHECK(cfg.jobs[0].id == "100-0");
  CHECK(cfg.jobs[0].target == "x");
  CHECK(cfg.jobs[1].id == "200-0");
  CHECK_FALSE(cfg.jobs[1].rate_mbps.has_value());
  CHECK(cfg.warnings.size() == 7);
}

TEST_CASE("replication.cfg: empty and NUL input", "[replication_cfg]") {
  CHECK(ParseReplicationConfig("").jobs.empty());
  CHECK_THROWS_AS(ParseReplicationConfig(std::string("local: 100-0\n\0", 14)),
                  text::ParseError);
}

TEST_CASE("URI unescaping keeps malformed escapes", "[replication_cfg]") {
  CHECK(DecodeUriEscapes("a%3Ab") == "a:b");
  CHECK(DecodeUriEscapes("100%") == "100%");
  CHECK(DecodeUriEscapes("%4") == "%4");
  CHECK(DecodeUriEscapes("%zz%41") == "%zzA");
}

TEST_CASE("replication job ids", "[replication_cfg]") {
  CHECK(ParseReplicationJobId("100-10") ==
        std::make_pair<std::uint64_t, std::uint64_t>(100, 10));
  CHECK_FALSE(ParseReplicationJobId("100").has_value());
  CHECK_FALSE(ParseReplicationJobId("-1").has_value());
  CHECK_FALSE(ParseReplicationJobId("100-").has_value());
  CHECK_FALSE(ParseReplicationJobId("a-1").has_value());
}

}  // namespace
}  // namespace replwatch::parsers

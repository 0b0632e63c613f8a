#include "collectors/parsers/datacenter_cfg_parser.h"

#include "testing/catch.h"

namespace replwatch::parsers {

TEST_CASE("datacenter.cfg: replication before migration on PVE 9 only",
          "[datacenter_cfg]") {
  // As PVE 9's GUI writes it (keys sorted, the type's key name left out).
  const DatacenterConfig config = ParseDatacenterCfg(
      "keyboard: en-us\n"
      "migration: type=insecure,network=10.9.0.0/24\n"
      "replication: secure,network=10.1.2.0/24\n");
  REQUIRE(config.warnings.size() == 0);
  const auto pve9 = config.NetworkFor(9);
  REQUIRE(pve9);
  CHECK(pve9->option == "replication");
  CHECK(pve9->type == "secure");
  CHECK(pve9->cidr == "10.1.2.0/24");
  const auto pve8 = config.NetworkFor(8);
  REQUIRE(pve8);
  CHECK(pve8->option == "migration");
  CHECK(pve8->type == "insecure");
  CHECK(pve8->cidr == "10.9.0.0/24");
}

TEST_CASE("datacenter.cfg: no option, a type alone, an unknown type",
          "[datacenter_cfg]") {
  CHECK_FALSE(ParseDatacenterCfg("keyboard: de\n").NetworkFor(9));
  const auto secure = ParseDatacenterCfg("migration: secure\n").NetworkFor(9);
  REQUIRE(secure);
  CHECK(secure->cidr.empty());
  const DatacenterConfig odd =
      ParseDatacenterCfg("replication: type=carrier-pigeon\n");
  CHECK_FALSE(odd.NetworkFor(9));
  REQUIRE(odd.warnings.size() == 1);
  CHECK(odd.warnings.front().message ==
        "replication: unknown type carrier-pigeon");
}

}  // namespace replwatch::parsers

#include "collectors/parsers/ip_link_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

LinkListing Fixture(const std::string& name) {
  const std::string text =
      testing::ReadFixture(testing::RealWorldDir("ip-link") / (name + ".txt"));
  return text.find('[') == 0 ? ParseIpLinkJson(text) : ParseIpLinkText(text);
}

TEST_CASE("ip link: every real-world fixture parses", "[ip_link]") {
  for (const auto& path : testing::FixtureFiles("ip-link")) {
    INFO(path.filename().string());
    REQUIRE_NOTHROW(Fixture(path.stem().string()));
    CHECK_FALSE(Fixture(path.stem().string()).interfaces.empty());
  }
}

TEST_CASE("ip -j stats64 JSON (fixture)", "[ip_link]") {
  const LinkListing l =
      Fixture("iproute2-0517a2fd-ip-j-stats-group-link-json-stats64");
  REQUIRE(l.interfaces.size() == 1);
  const InterfaceStats& swp1 = l.interfaces[0];
  CHECK(swp1.ifname == "swp1");
  CHECK(swp1.rx.bytes == 47048u);
  CHECK(swp1.rx.packets == 354u);
  CHECK(swp1.tx.bytes == 47474u);
  CHECK(swp1.tx.errors == 0u);
}

TEST_CASE("ip -j -s -d link (constructed)", "[ip_link]") {
  const LinkListing l =
      ParseIpLinkJson(testing::ReadTestdata("ip-j-s-d-link.json"));
  REQUIRE(l.interfaces.size() == 2);
  const InterfaceStats& nic = l.interfaces[1];
  CHECK(nic.mtu == 9000u);
  CHECK(nic.operstate == "UP");
  CHECK(nic.master == "vmbr1");
  CHECK(nic.flags.size() == 5);
  CHECK(nic.rx.bytes == 18446744073709551615ULL);
  CHECK(nic.rx.errors == 12u);
  CHECK(nic.rx.dropped == 3u);
  CHECK(nic.tx.errors == 1u);
  CHECK(nic.carrier_changes == 7u);
}

TEST_CASE("ip -s link text: counters follow the header keywords", "[ip_link]") {
  // Old layout with huge counters: the columns shift, the tokens do not.
  const LinkListing shifted =
      Fixture("iproute2-49437375-large-counters-column-shift-before");
  const InterfaceStats& a = shifted.interfaces.at(0);
  CHECK(a.rx.bytes == 126570234447969u);
  CHECK(a.rx.packets == 15016149200u);
  CHECK(a.rx.errors == 0u);
  CHECK(a.rx.dropped == 0u);
  const LinkListing after =
      Fixture("iproute2-49437375-large-counters-right-aligned-after");
  CHECK(after.interfaces.at(0).rx.packets == 15016149200u);

  const LinkListing wl = Fixture("iproute2-b68d9837-ip-s-link-wl-dormant");
  REQUIRE(wl.interfaces.size() == 1);
  CHECK(wl.warnings.empty());
  CHECK(wl.interfaces[0].ifname == "wl");
  CHECK(wl.interfaces[0].mtu == 1500u);
  CHECK(wl.interfaces[0].operstate == "UP");
  CHECK(wl.interfaces[0].rx.bytes == 1523846973u);
  CHECK(wl.interfaces[0].tx.packets == 6077735u);
  CHECK_FALSE(wl.interfaces[0].approximate);

  const LinkListing human =
      Fixture("iproute2-b68d9837-ip-s-h-link-human-readable");
  CHECK(human.interfaces[0].approximate);
  CHECK(human.interfaces[0].rx.bytes == 1500000000u);

  const LinkListing vf = Fixture("iproute2-8c7acf3a-ip-s-link-with-vf-stats");
  CHECK(vf.interfaces.at(0).tx.bytes == 1406u);  // not the VF's 2880
  CHECK(vf.interfaces.at(0).tx.dropped == 0u);

  const LinkListing slave =
      Fixture("iproute2-5d57e130-ip-d-link-mtu9198-bond-slave-elided");
  CHECK(slave.interfaces.at(0).mtu == 9198u);
  CHECK(slave.interfaces.at(0).master == "eth0");
}

TEST_CASE("ip link: malformed input", "[ip_link]") {
  CHECK_THROWS_AS(ParseIpLinkJson("{}"), text::ParseError);
  CHECK_THROWS_AS(ParseIpLinkJson("[{\"ifname\":"), text::ParseError);
  const LinkListing odd = ParseIpLinkJson(
      R"([{"mtu":1},{"ifname":"x","mtu":"9000","stats64":[]}])");
  REQUIRE(odd.interfaces.size() == 1);
  CHECK_FALSE(odd.interfaces[0].mtu.has_value());
  CHECK(odd.warnings.size() == 1);
  const LinkListing text = ParseIpLinkText(
      "garbage\n2: eth0: <UP mtu\n    RX: bytes packets\n    1,5 x\n");
  CHECK(text.warnings.size() == 3);
  CHECK_FALSE(text.interfaces.at(0).rx.bytes.has_value());
  CHECK_THROWS_AS(ParseIpLinkText(std::string("1: a: <UP>\0", 11)),
                  text::ParseError);
}

}  // namespace
}  // namespace replwatch::parsers

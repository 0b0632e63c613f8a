#include "collectors/parsers/zfs_version_parser.h"

#include "collectors/parsers/pveversion_parser.h"
#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"
#include "text/parse_error.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("zfs version", "[version]") {
  const ZfsVersion v = ParseZfsVersion("zfs-2.2.6-pve1\nzfs-kmod-2.2.6-pve1\n");
  CHECK(v.userland == "2.2.6-pve1");
  CHECK(v.kernel == "2.2.6-pve1");
  REQUIRE(v.userland_release.has_value());
  CHECK(v.userland_release->major == 2);
  CHECK(v.userland_release->minor == 2);
  CHECK(v.userland_release->patch == 6);
  const ZfsVersion no_module = ParseZfsVersion("zfs-2.3.0-1\n");
  CHECK(no_module.kernel.empty());
  CHECK(no_module.userland_release->minor == 3);
  CHECK_THROWS_AS(ParseZfsVersion(""), text::ParseError);
  CHECK_THROWS_AS(ParseZfsVersion("command not found\n"), text::ParseError);
  CHECK_THROWS_AS(ParseZfsVersion("zfs-" + std::string(500, '1') + "\n"),
                  text::ParseError);
  CHECK_THROWS_AS(ParseZfsVersion(std::string("zfs-2.2\0", 8)),
                  text::ParseError);
}

TEST_CASE("a zfs version that is not text names the line, not a missing one",
          "[version]") {
  try {
    ParseZfsVersion("zfs-2.2.6-pv\xC3\xA9\nzfs-kmod-2.2.6-pve1\n");
    FAIL("expected a ParseError");
  } catch (const text::ParseError& e) {
    CHECK_THAT(e.what(), Catch::Matchers::ContainsSubstring(
                             "'2.2.6-pv??' is not a version"));
    CHECK(e.line() == 1u);
  }
}

TEST_CASE("pveversion", "[version]") {
  const PveVersion v = ParsePveVersion(
      "pve-manager/8.2.4/faa83925c9641325 (running kernel: 6.8.8-2-pve)\n");
  CHECK(v.manager == "8.2.4");
  CHECK(v.revision == "faa83925c9641325");
  CHECK(v.running_kernel == "6.8.8-2-pve");
  CHECK(ParsePveVersion("pve-manager/9.0.3/abc\n").running_kernel.empty());
  CHECK_THROWS_AS(ParsePveVersion("proxmox-ve: 8.2.0\n"), text::ParseError);
  CHECK_THROWS_AS(ParsePveVersion("pve-manager/x.y/abc\n"), text::ParseError);
  CHECK_THROWS_AS(ParsePveVersion(""), text::ParseError);
}

TEST_CASE("pveversion -v: a real PVE 9.1 node's package list", "[version]") {
  const PvePackages packages = ParsePvePackages(testing::ReadFixture(
      testing::RealWorldDir("pveversion") /
      "emesix-hwreport-pve-8845hs-pveversion-v-9.1.1-zfs-2.3.4.txt"));
  CHECK(packages.at("pve-manager") == "9.1.1");
  CHECK(packages.at("proxmox-ve") == "9.1.0");
  CHECK(packages.at("libpve-storage-perl") == "9.1.0");
  CHECK(packages.at("libpve-guest-common-perl") == "6.0.2");
  CHECK(packages.at("zfsutils-linux") == "2.3.4-pve1");
  CHECK(packages.size() > 40);
}

TEST_CASE("pveversion -v: what is not a package version is left out",
          "[version]") {
  const PvePackages packages = ParsePvePackages(
      "pve-manager: 8.4.11 (running version: 8.4.11/14a32011)\n"
      "ceph: not correctly installed\n"
      "Bad-Name: 1.0\n"
      "libpve-storage-perl: \n"
      "no colon here\n");
  CHECK(packages == PvePackages{{"pve-manager", "8.4.11"}});
  CHECK_THROWS_AS(ParsePvePackages("pve-manager/8.4.11/14a32011\n"),
                  text::ParseError);
  std::string many = "pve-manager: 9.2.20\n";
  for (int i = 0; i < 300; ++i) many += "pkg" + std::to_string(i) + ": 1.0\n";
  CHECK_THROWS_WITH(ParsePvePackages(many),
                    Catch::Matchers::ContainsSubstring("more than 256"));
}

TEST_CASE("release numbers", "[version]") {
  CHECK(ParseReleaseNumber("2.3").has_value());
  CHECK(ParseReleaseNumber("2.3")->patch == 0);
  CHECK_FALSE(ParseReleaseNumber("2").has_value());
  CHECK_FALSE(ParseReleaseNumber("v2.3").has_value());
  CHECK_FALSE(ParseReleaseNumber("99999999999.1").has_value());
}

}  // namespace
}  // namespace replwatch::parsers

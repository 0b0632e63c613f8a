#include "text/name_rules.h"

#include <string>

#include "testing/catch.h"

namespace replwatch::text {
namespace {

TEST_CASE("node names follow host name rules", "[names]") {
  CHECK(IsValidNodeName("pve1"));
  CHECK(IsValidNodeName("pve-ksy"));
  CHECK_FALSE(IsValidNodeName(""));
  CHECK_FALSE(IsValidNodeName("-pve"));
  CHECK_FALSE(IsValidNodeName("pve1;reboot"));
  CHECK_FALSE(IsValidNodeName("pve 1"));
  CHECK_FALSE(IsValidNodeName("pve1.example.com"));
  CHECK_FALSE(IsValidNodeName(std::string(64, 'a')));
}

TEST_CASE("addresses are IP literals or DNS names", "[names]") {
  CHECK(IsValidHostAddress("198.18.0.11"));
  CHECK(IsValidHostAddress("fd00::1"));
  CHECK(IsValidHostAddress("pve1.example.com"));
  CHECK_FALSE(IsValidHostAddress("-oProxyCommand=sh"));
  CHECK_FALSE(IsValidHostAddress("a b"));
  CHECK_FALSE(IsValidHostAddress("$(reboot)"));
}

TEST_CASE("dataset names follow zfs_namecheck", "[names]") {
  CHECK(IsValidZfsDatasetName("rpool/data/vm-100-disk-0"));
  CHECK(IsValidZfsDatasetName("tank/my data:1.x"));
  CHECK(IsValidZfsDatasetName("rpool"));
  CHECK_FALSE(IsValidZfsDatasetName(""));
  CHECK_FALSE(IsValidZfsDatasetName("-oops"));
  CHECK_FALSE(IsValidZfsDatasetName("1pool/a"));
  CHECK_FALSE(IsValidZfsDatasetName("rpool//a"));
  CHECK_FALSE(IsValidZfsDatasetName("rpool/a/"));
  CHECK_FALSE(IsValidZfsDatasetName("rpool/../etc"));
  CHECK_FALSE(IsValidZfsDatasetName("rpool/a@snap"));
  CHECK_FALSE(IsValidZfsDatasetName("rpool/$(reboot)"));
  CHECK_FALSE(IsValidZfsDatasetName("rpool/a'b"));
  CHECK_FALSE(IsValidZfsDatasetName("rpool/" + std::string(250, 'a')));
}

TEST_CASE("user names are plain login names", "[names]") {
  CHECK(IsValidUnixUserName("root"));
  CHECK(IsValidUnixUserName("replwatch"));
  CHECK_FALSE(IsValidUnixUserName("Root"));
  CHECK_FALSE(IsValidUnixUserName("a@b"));
}

TEST_CASE("interface names follow the kernel's rule", "[names]") {
  for (const char* ok :
       {"vmbr0", "bond0.20", "enp3s0f0", "nic0", "a-b_c", "123456789012345"}) {
    INFO(ok);
    CHECK(IsValidInterfaceName(ok));
  }
  for (const char* bad : {"", ".", "..", "../etc", "eth0:1", "a b",
                          "1234567890123456", "vmbr0\n", "x\x7f"}) {
    INFO(bad);
    CHECK_FALSE(IsValidInterfaceName(bad));
  }
}

}  // namespace
}  // namespace replwatch::text

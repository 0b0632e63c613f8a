#include "collectors/parsers/guest_config_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

std::vector<std::string> Keys(const std::vector<GuestDisk>& disks) {
  std::vector<std::string> keys;
  for (const GuestDisk& disk : disks) keys.push_back(disk.key);
  return keys;
}

TEST_CASE("VM config: the volume keys of the current section",
          "[guest_config]") {
  text::ParseWarnings warnings;
  const auto disks = ParseGuestConfigDisks(
      testing::ReadTestdata("qemu-server-100.conf"), "qemu", &warnings);
  CHECK(warnings.empty());
  // Not the snapshot's scsi3; not boot, net0 or scsihw.
  REQUIRE(Keys(disks) == std::vector<std::string>{"efidisk0", "ide2", "sata0",
                                                  "scsi0", "scsi1", "scsi2",
                                                  "tpmstate0", "unused0",
                                                  "virtio0", "virtio1"});
  CHECK(disks[0].volume == "local-zfs:vm-100-disk-1");
  CHECK(disks[1].volume == "none");
  CHECK(disks[1].cdrom);
  CHECK(disks[2].cdrom);
  CHECK_FALSE(disks[3].cdrom);
  CHECK(disks[3].replicate);
  CHECK_FALSE(disks[4].replicate);
  CHECK(disks[5].volume == "/dev/disk/by-id/ata-ST4000DM004-2CV104_ZFN0ABCD");
  CHECK(disks[7].volume == "local-lvm:vm-100-disk-1");
  CHECK(disks[9].volume == "local-zfs:vm-200-disk-0");  // file=
}

TEST_CASE("CT config: rootfs, mount points and volume=", "[guest_config]") {
  text::ParseWarnings warnings;
  const auto disks = ParseGuestConfigDisks(
      testing::ReadTestdata("lxc-102.conf"), "lxc", &warnings);
  CHECK(warnings.empty());
  REQUIRE(Keys(disks) ==
          std::vector<std::string>{"mp0", "mp1", "mp2", "rootfs"});
  CHECK(disks[1].volume == "/mnt/backups");
  CHECK(disks[2].volume == "local-lvm:vm-102-disk-0");
  CHECK_FALSE(disks[2].replicate);
  CHECK(disks[3].volume == "local-zfs:subvol-102-disk-0");
}

TEST_CASE("guest config: odd keys and empty volumes", "[guest_config]") {
  text::ParseWarnings warnings;
  const auto disks = ParseGuestConfigDisks(
      "scsi31: local-zfs:vm-1-disk-0\nide4: x:y\nscsi01: a:b\nmp256: a:b\n"
      "scsi0: ,size=1G\nunused3: local-zfs:vm-1-disk-3\n",
      "qemu", &warnings);
  CHECK(Keys(disks) == std::vector<std::string>{"unused3"});
  CHECK(warnings.size() == 1);  // scsi0 names no volume
}

TEST_CASE("grep -H output is split per file", "[guest_config]") {
  text::ParseWarnings warnings;
  const auto files = SplitGrepByFile(
      "/etc/pve/local/lxc/101.conf:arch: amd64\n"
      "/etc/pve/local/lxc/102.conf:rootfs: local-zfs:subvol-102-disk-0\n"
      "/etc/pve/local/lxc/101.conf:rootfs: local-zfs:subvol-101-disk-0\n"
      "no file name here\n",
      &warnings);
  REQUIRE(files.size() == 2);
  CHECK(files.at("/etc/pve/local/lxc/101.conf") ==
        "arch: amd64\nrootfs: local-zfs:subvol-101-disk-0\n");
  CHECK(warnings.size() == 1);
}

}  // namespace
}  // namespace replwatch::parsers

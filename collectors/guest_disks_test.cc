#include "collectors/guest_disks.h"

#include "collectors/jobs.h"
#include "collectors/parsers/test_fixtures.h"
#include "collectors/unreplicated_disks.h"
#include "testing/catch.h"
#include "testing/exposition_checks.h"
#include "testing/scripted_transport.h"

namespace replwatch {
namespace {

using parsers::testing::ReadTestdata;

const char* const kStorage = "cat /etc/pve/storage.cfg";

// "<key> <reason>" of each disk left behind.
std::vector<std::string> Described(const std::vector<UnreplicatedDisk>& disks) {
  std::vector<std::string> out;
  for (const UnreplicatedDisk& disk : disks) {
    out.push_back(disk.key + " " + std::string(LeftBehindLabel(disk.reason)));
  }
  return out;
}

// `text` as grep -H ^ prints it for `path`.
std::string Grepped(const std::string& path, const std::string& text) {
  std::string out;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    out += path + ":" + std::string(rest.substr(0, end)) + "\n";
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  }
  return out;
}

TEST_CASE("guest disks: what a failover of a VM leaves behind",
          "[guest_disks]") {
  text::ParseWarnings warnings;
  const auto storages =
      parsers::ParseStorageConfig(ReadTestdata("storage.cfg"), &warnings);
  const auto disks = parsers::ParseGuestConfigDisks(
      ReadTestdata("qemu-server-100.conf"), "qemu", &warnings);
  // Replicated: efidisk0, scsi0 and tpmstate0 on local-zfs. Not disks: the
  // cdroms. Reachable anyway: virtio0 on NFS. Not 100's: virtio1 (200's).
  const GuestDisks sorted = SortGuestDisks(100, disks, storages);
  CHECK(Described(sorted.left_behind) ==
        std::vector<std::string>{"scsi1 replicate_off", "scsi2 local_device",
                                 "unused0 storage_cannot_replicate"});
  CHECK(sorted.replicated_datasets ==
        std::vector<std::string>{"rpool/data/vm-100-disk-1",
                                 "rpool/data/vm-100-disk-0",
                                 "rpool/data/vm-100-disk-2"});
}

TEST_CASE("guest disks: what a failover of a container leaves behind",
          "[guest_disks]") {
  text::ParseWarnings warnings;
  const auto storages =
      parsers::ParseStorageConfig(ReadTestdata("storage.cfg"), &warnings);
  const auto disks = parsers::ParseGuestConfigDisks(
      ReadTestdata("lxc-102.conf"), "lxc", &warnings);
  const GuestDisks sorted = SortGuestDisks(102, disks, storages);
  CHECK(Described(sorted.left_behind) ==
        std::vector<std::string>{"mp1 local_device", "mp2 replicate_off"});
  CHECK(sorted.replicated_datasets ==
        std::vector<std::string>{"rpool/data/subvol-102-disk-1",
                                 "rpool/data/subvol-102-disk-0"});
  CHECK(Described(SortGuestDisks(
                      102, {{"mp3", "gone-storage:vm-102-disk-7", false, true}},
                      storages)
                      .left_behind) ==
        std::vector<std::string>{"mp3 unknown_storage"});
}

TEST_CASE("guest disks: one grep per guest type, unreadable ones unknown",
          "[guest_disks]") {
  testing::ScriptedTransport t;
  t.Answer(kStorage, ReadTestdata("storage.cfg"));
  t.Answer(
      "grep -H ^ /etc/pve/local/qemu-server/100.conf "
      "/etc/pve/local/qemu-server/101.conf",
      Grepped("/etc/pve/local/qemu-server/100.conf",
              ReadTestdata("qemu-server-100.conf")),
      2,
      "grep: /etc/pve/local/qemu-server/101.conf: No such file or "
      "directory\n");
  t.Answer("grep -H ^ /etc/pve/local/lxc/102.conf", "", 2,
           "grep: /etc/pve/local/lxc/102.conf: Permission denied\n");
  text::ParseWarnings warnings;
  const auto guests = ReadGuestDisks(
      t, {{100, "qemu"}, {101, "qemu"}, {102, "lxc"}, {42, "qemu"}}, &warnings);
  REQUIRE(guests.size() == 1);  // 101 moved away, 102 unreadable, 42 no VMID
  CHECK(guests.at(100).left_behind.size() == 3);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0].message,
             Catch::Matchers::ContainsSubstring("Permission denied"));
  CHECK(t.commands_run().size() == 3);
}

TEST_CASE("unreplicated disks: the series of the jobs' guests",
          "[guest_disks]") {
  auto jobs = std::make_shared<JobsFacts>();
  jobs->jobs.emplace_back().state.guest = 100;
  jobs->jobs.back().state.vmtype = "qemu";
  testing::TestContext context;
  context.node.cluster = "lab";
  context.node.name = "pve1";
  UnreplicatedDisksCollector collector;
  testing::ScriptedTransport t;
  t.Answer(kStorage, ReadTestdata("storage.cfg"));
  // No job list yet: no guest to read, but one command all the same, so
  // that a node that cannot be reached fails this collector too.
  CHECK(testing::RenderText(*collector.Collect(t, context.Get())).empty());
  CHECK(t.commands_run() == std::vector<std::string>{kStorage});

  context.Set(jobs);
  t.Answer("grep -H ^ /etc/pve/local/qemu-server/100.conf",
           Grepped("/etc/pve/local/qemu-server/100.conf",
                   ReadTestdata("qemu-server-100.conf")));
  const std::string text =
      testing::RenderText(*collector.Collect(t, context.Get()));
  const std::string labels = "pve_cluster=\"lab\",node=\"pve1\",guest=\"100\"";
  CHECK(testing::SampleValue(
            text, "replwatch_guest_unreplicated_disks{" + labels + "}") == 3);
  CHECK(testing::SampleValue(
            text, "replwatch_guest_unreplicated_disk_info{" + labels +
                      ",disk=\"scsi1\",volume=\"local-lvm:vm-100-disk-0\","
                      "reason=\"replicate_off\"}") == 1);
}

}  // namespace
}  // namespace replwatch

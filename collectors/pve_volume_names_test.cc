#include "collectors/pve_volume_names.h"

#include "testing/catch.h"

namespace replwatch {
namespace {

TEST_CASE("PVE guest volume names", "[datasets][snapshots]") {
  for (const char* name :
       {"rpool/data/vm-100-disk-0", "tank/subvol-101-disk-0",
        "rpool/data/base-9002-disk-0", "rpool/data/basevol-9003-disk-1",
        "rpool/data/vm-192-state-S2023_12_18_10_54",
        "rpool/data/vm-100-cloudinit", "a/b/c/vm-7-disk-12"}) {
    INFO(name);
    CHECK(IsPveVolumeDataset(name));
  }
  for (const char* name :
       {"rpool", "vm-100-disk-0", "rpool/data", "rpool/ROOT/pve-1",
        "rpool/data/vm--disk-0", "rpool/data/vm-100", "rpool/data/vm-100-",
        "rpool/data/vmx-100-disk-0", "rpool/data/vm-100-disk-0/child",
        "rpool/data/vm-1x0-disk-0", "rpool/data/vm-100-disk 0"}) {
    INFO(name);
    CHECK_FALSE(IsPveVolumeDataset(name));
  }
  CHECK(GuestOfPveVolume("rpool/data/vm-100-disk-0") == "100");
  CHECK(GuestOfPveVolume("rpool/data/base-9002-disk-0/vm-192-disk-1") == "192");
  CHECK(GuestOfPveVolume("rpool/data/stale-vm-100-disk-0").empty());
  CHECK(PoolOfDataset("rpool/data/vm-100-disk-0") == "rpool");
  CHECK(PoolOfDataset("rpool") == "rpool");
}

}  // namespace
}  // namespace replwatch

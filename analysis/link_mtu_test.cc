#include "analysis/link_mtu.h"

#include "analysis/cluster_view.h"
#include "collectors/nic_testing.h"
#include "collectors/paths.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

// pve1 -> pve2 by vmbr0, as the paths collector found it with `path_mtu`.
ClusterView View(std::uint64_t pve1_mtu, std::uint64_t path_mtu) {
  ClusterView view("lab", 0);
  auto paths = std::make_shared<PathsFacts>();
  PathCheck& path = paths->paths.emplace_back();
  path.target = "pve2";
  path.address = "198.18.0.12";
  path.interface = "vmbr0";
  path.interface_mtu = path_mtu;
  path.path_mtu_ok = true;
  view.Add("pve1", paths);
  view.Add("pve1", testing::NicWithVmbr0(pve1_mtu));
  view.Add("pve2", testing::NicWithVmbr0(1500));
  return view;
}

TEST_CASE("a path's source MTU is the interface's in the latest nic facts",
          "[link_mtu]") {
  // The paths collector ran before the nic collector saw vmbr0 go to 9000.
  const LinkMtu link = LinkMtuOf(View(9000, 1500), "pve1", "pve2");
  CHECK(link.source == 9000);
  CHECK(link.target == 1500);
  CHECK(link.Mismatch() == true);
  CHECK(LinkMtuOf(View(1500, 1500), "pve1", "pve2").Mismatch() == false);
}

}  // namespace
}  // namespace replwatch

#include "collectors/nic.h"

#include "collectors/node.h"
#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"
#include "testing/exposition_checks.h"
#include "testing/scripted_transport.h"
#include "text/parse_error.h"

namespace replwatch {
namespace {

using testing::RenderText;
using testing::ScriptedTransport;
using testing::TestContext;

constexpr const char* kIpLink = "ip -j -s -s -d addr";
constexpr const char* kDatacenter = "cat /etc/pve/datacenter.cfg";

// `ip -j -s -s -d link` of a PVE node (iproute2 6.1 key order, irrelevant keys
// such as txqlen and gso sizes left out): bond0 of eno1/eno2 in vmbr0, a VLAN
// on the bridge, an unused eno3, and the plumbing of VM 100 (firewall on) and
// container 101.
constexpr const char* kPveNode = R"([
{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","link_type":"loopback","stats64":{"rx":{"bytes":5210,"packets":52,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":5210,"packets":52,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
{"ifindex":2,"ifname":"eno1","flags":["BROADCAST","MULTICAST","SLAVE","UP","LOWER_UP"],"mtu":9000,"qdisc":"mq","master":"bond0","operstate":"UP","linkmode":"DEFAULT","group":"default","link_type":"ether","linkinfo":{"info_slave_kind":"bond","info_slave_data":{"state":"ACTIVE","mii_status":"UP","link_failure_count":0,"perm_hwaddr":"3c:ec:ef:10:00:01","queue_id":0}},"stats64":{"rx":{"bytes":98765432100,"packets":81234567,"errors":3,"dropped":12,"over_errors":0,"multicast":1200},"tx":{"bytes":123456789012,"packets":91234567,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
{"ifindex":3,"ifname":"eno2","flags":["NO-CARRIER","BROADCAST","MULTICAST","SLAVE","UP"],"mtu":9000,"qdisc":"mq","master":"bond0","operstate":"DOWN","linkmode":"DEFAULT","group":"default","link_type":"ether","linkinfo":{"info_slave_kind":"bond","info_slave_data":{"state":"BACKUP","mii_status":"DOWN","link_failure_count":4,"perm_hwaddr":"3c:ec:ef:10:00:02","queue_id":0}},"stats64":{"rx":{"bytes":1000,"packets":10,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":2000,"packets":20,"errors":2,"dropped":5,"carrier_errors":2,"collisions":0}}},
{"ifindex":4,"ifname":"eno3","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","link_type":"ether","stats64":{"rx":{"bytes":0,"packets":0,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":0,"packets":0,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
{"ifindex":5,"ifname":"bond0","flags":["BROADCAST","MULTICAST","MASTER","UP","LOWER_UP"],"mtu":9000,"qdisc":"noqueue","master":"vmbr0","operstate":"UP","linkmode":"DEFAULT","group":"default","link_type":"ether","linkinfo":{"info_kind":"bond","info_data":{"mode":"802.3ad","miimon":100,"updelay":0,"downdelay":0},"info_slave_kind":"bridge","info_slave_data":{"state":"forwarding","priority":32,"cost":100}},"stats64":{"rx":{"bytes":98765433100,"packets":81234577,"errors":3,"dropped":12,"over_errors":0,"multicast":1200},"tx":{"bytes":123456791012,"packets":91234587,"errors":2,"dropped":5,"carrier_errors":2,"collisions":0}}},
{"ifindex":6,"ifname":"vmbr0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":9000,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default","link_type":"ether","linkinfo":{"info_kind":"bridge","info_data":{"forward_delay":0,"hello_time":200,"stp_state":0,"vlan_filtering":0}},"stats64":{"rx":{"bytes":5555555,"packets":55555,"errors":0,"dropped":7,"over_errors":0,"multicast":0},"tx":{"bytes":4444444,"packets":44444,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
{"ifindex":7,"link":"vmbr0","ifname":"vmbr0.30","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":9000,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default","link_type":"ether","linkinfo":{"info_kind":"vlan","info_data":{"protocol":"802.1Q","id":30,"flags":["REORDER_HDR"]}},"stats64":{"rx":{"bytes":100,"packets":1,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":100,"packets":1,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
{"ifindex":8,"ifname":"tap100i0","flags":["BROADCAST","MULTICAST","PROMISC","UP","LOWER_UP"],"mtu":1500,"qdisc":"pfifo_fast","master":"fwbr100i0","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","link_type":"ether","linkinfo":{"info_kind":"tun","info_data":{"type":"tap","pi":false,"vnet_hdr":true,"multi_queue":false,"persist":false},"info_slave_kind":"bridge","info_slave_data":{"state":"forwarding"}},"stats64":{"rx":{"bytes":1,"packets":1,"errors":0,"dropped":9,"over_errors":0,"multicast":0},"tx":{"bytes":1,"packets":1,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
{"ifindex":9,"ifname":"fwbr100i0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default","link_type":"ether","linkinfo":{"info_kind":"bridge","info_data":{"stp_state":0}},"stats64":{"rx":{"bytes":1,"packets":1,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":1,"packets":1,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
{"ifindex":10,"link":"fwln100i0","ifname":"fwpr100p0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":9000,"qdisc":"noqueue","master":"vmbr0","operstate":"UP","linkmode":"DEFAULT","group":"default","link_type":"ether","linkinfo":{"info_kind":"veth","info_slave_kind":"bridge"},"stats64":{"rx":{"bytes":1,"packets":1,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":1,"packets":1,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
{"ifindex":11,"link":"fwpr100p0","ifname":"fwln100i0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","master":"fwbr100i0","operstate":"UP","linkmode":"DEFAULT","group":"default","link_type":"ether","linkinfo":{"info_kind":"veth","info_slave_kind":"bridge"},"stats64":{"rx":{"bytes":1,"packets":1,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":1,"packets":1,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
{"ifindex":12,"ifname":"veth101i0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","master":"vmbr0","operstate":"UP","linkmode":"DEFAULT","group":"default","link_type":"ether","link_netnsid":0,"linkinfo":{"info_kind":"veth","info_slave_kind":"bridge"},"stats64":{"rx":{"bytes":1,"packets":1,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":1,"packets":1,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}}
])";

// Captured in the lab (`lab/lab exec pve1 -- ip -j -s -d link`, iproute2
// 6.1): the node's uplink vmbr0 is a veth.
constexpr const char* kLabNode =
    R"([{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","promiscuity":0,"allmulti":0,"min_mtu":0,"max_mtu":0,"inet6_addr_gen_mode":"eui64","num_tx_queues":1,"num_rx_queues":1,"gso_max_size":65536,"gso_max_segs":65535,"tso_max_size":524280,"tso_max_segs":65535,"gro_max_size":65536,"stats64":{"rx":{"bytes":0,"packets":0,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":0,"packets":0,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},{"ifindex":2,"link_index":3,"ifname":"vmbr0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"0a:9b:b8:70:a7:2c","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"promiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":65535,"linkinfo":{"info_kind":"veth"},"inet6_addr_gen_mode":"eui64","num_tx_queues":2,"num_rx_queues":2,"gso_max_size":65536,"gso_max_segs":65535,"tso_max_size":524280,"tso_max_segs":65535,"gro_max_size":65536,"stats64":{"rx":{"bytes":434,"packets":5,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":90,"packets":1,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}}])";

std::shared_ptr<const NicFacts> CollectFrom(ScriptedTransport& transport) {
  TestContext context;
  context.node.name = "pve1";
  NicCollector collector;
  auto facts = std::dynamic_pointer_cast<const NicFacts>(
      collector.Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  return facts;
}

std::shared_ptr<const NicFacts> CollectFrom(const std::string& ip_output) {
  ScriptedTransport transport;
  transport.Answer(kIpLink, ip_output);
  transport.Answer(kDatacenter, "keyboard: en-us\n");
  auto facts = CollectFrom(transport);
  CHECK(transport.commands_run() ==
        std::vector<std::string>{kIpLink, kDatacenter});
  return facts;
}

std::vector<std::string> Names(const NicFacts& facts) {
  std::vector<std::string> names;
  for (const auto& nic : facts.interfaces) names.push_back(nic.name);
  return names;
}

void CheckPromtoolClean(const std::string& exposition) {
  const testing::LintResult lint = testing::PromtoolCheckMetrics(exposition);
  INFO(lint.output);
  CHECK(lint.exit_status == 0);
  CHECK(lint.output.empty());
}

TEST_CASE("nic: a PVE node keeps its uplinks and skips guest plumbing",
          "[nic]") {
  const auto facts = CollectFrom(kPveNode);
  CHECK(Names(*facts) == std::vector<std::string>{"eno1", "eno2", "eno3",
                                                  "bond0", "vmbr0",
                                                  "vmbr0.30"});
  CHECK(facts->skipped_by_name == 6);  // lo, tap, fwbr, fwpr, fwln, veth
  CHECK(facts->over_cap.empty());
  CHECK(facts->Find("tap100i0") == nullptr);

  const NicFacts::Interface* eno2 = facts->Find("eno2");
  REQUIRE(eno2 != nullptr);
  CHECK(eno2->kind == "physical");
  CHECK(eno2->up == false);  // NO-CARRIER: operstate DOWN despite flag UP
  CHECK(eno2->tx_errors == 2u);
  CHECK(eno2->tx_dropped == 5u);
  const NicFacts::Interface* eno1 = facts->Find("eno1");
  REQUIRE(eno1 != nullptr);
  CHECK(eno1->up == true);
  CHECK(eno1->mtu == 9000u);
  CHECK(eno1->rx_errors == 3u);
  CHECK(eno1->rx_dropped == 12u);
  CHECK(facts->Find("bond0")->kind == "bond");
  CHECK(facts->Find("vmbr0")->kind == "bridge");
  CHECK(facts->Find("vmbr0")->rx_dropped == 7u);
  CHECK(facts->Find("vmbr0.30")->kind == "vlan");
  // `ip -s` (one -s) prints no carrier_changes: no series rather than 0.
  CHECK_FALSE(eno1->carrier_changes.has_value());
  // eno3 (1500) is down, so it does not lower the replication MTU.
  CHECK(facts->ReplicationMtu() == 9000u);
}

std::string Series(const std::string& name, const std::string& interface) {
  return name + "{pve_cluster=\"lab\",node=\"pve1\",interface=\"" + interface +
         "\"}";
}

TEST_CASE("nic: series per watched interface, promtool clean", "[nic]") {
  const std::string text = RenderText(*CollectFrom(kPveNode));
  using testing::SampleValue;
  CHECK(SampleValue(text, Series("replwatch_nic_up", "eno2")) == 0);
  CHECK(SampleValue(text, Series("replwatch_nic_up", "vmbr0")) == 1);
  CHECK(SampleValue(text, Series("replwatch_nic_mtu_bytes", "eno2")) == 9000);
  CHECK(SampleValue(text,
                    Series("replwatch_nic_receive_errors_total", "eno1")) == 3);
  CHECK(SampleValue(
            text, Series("replwatch_nic_transmit_errors_total", "eno2")) == 2);
  CHECK(SampleValue(
            text, Series("replwatch_nic_receive_dropped_total", "vmbr0")) == 7);
  CHECK(SampleValue(
            text, Series("replwatch_nic_transmit_dropped_total", "eno2")) == 5);
  CHECK(text.find("# TYPE replwatch_nic_receive_dropped_total counter") !=
        std::string::npos);
  CHECK(testing::SampleCount(text, "replwatch_nic_up") == 6);
  CHECK(text.find("tap100i0") == std::string::npos);
  CHECK(text.find("interface=\"lo\"") == std::string::npos);
  CHECK(testing::SampleCount(text, "replwatch_nic_carrier_changes_total") == 0);
  CheckPromtoolClean(text);
}

TEST_CASE("nic: the lab node's vmbr0 is a veth and still watched", "[nic]") {
  const auto facts = CollectFrom(kLabNode);
  REQUIRE(Names(*facts) == std::vector<std::string>{"vmbr0"});
  CHECK(facts->interfaces[0].kind == "veth");
  CHECK(facts->interfaces[0].up == true);
  CHECK(facts->ReplicationMtu() == 1500u);
}

TEST_CASE("nic: up from operstate, or from flags when it is UNKNOWN", "[nic]") {
  // A bridge without ports reports UNKNOWN (seen with iproute2 6.1 in a
  // scratch network namespace); UP + LOWER_UP then mean up.
  const auto facts = CollectFrom(
      R"([{"ifname":"vmbr1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UNKNOWN"},
{"ifname":"vmbr2","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,"operstate":"UNKNOWN"},
{"ifname":"eno4","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"DORMANT"},
{"ifname":"eth9","mtu":1500}])");
  CHECK(facts->Find("vmbr1")->up == true);
  CHECK(facts->Find("vmbr2")->up == false);
  CHECK(facts->Find("eno4")->up == false);
  CHECK_FALSE(facts->Find("eth9")->up.has_value());
  CHECK(facts->ReplicationMtu() == 1500u);
}

TEST_CASE("nic: carrier changes from either place iproute2 prints them",
          "[nic]") {
  // iproute2 6.1 with `-s -s`: inside stats64.tx (as seen in the lab).
  const auto nested = CollectFrom(
      R"([{"ifname":"vmbr0","flags":["UP","LOWER_UP"],"mtu":1500,"operstate":"UP","stats64":{"rx":{"errors":0,"dropped":0},"tx":{"errors":0,"dropped":0,"carrier_changes":2}}}])");
  CHECK(nested->Find("vmbr0")->carrier_changes == 2u);
  // Top level, as the ip link parser also accepts.
  const auto top = CollectFrom(
      R"([{"ifname":"eth0","operstate":"UP","carrier_changes":7,"stats64":{"rx":{},"tx":{}}}])");
  CHECK(top->Find("eth0")->carrier_changes == 7u);
  CHECK(testing::SampleValue(
            RenderText(*top),
            Series("replwatch_nic_carrier_changes_total", "eth0")) == 7);
}

TEST_CASE("nic: real-world stats64 JSON through the collector", "[nic]") {
  const std::string json = parsers::testing::ReadFixture(
      parsers::testing::RealWorldDir("ip-link") /
      "iproute2-0517a2fd-ip-j-stats-group-link-json-stats64.txt");
  // A switch port name (swp1) is not a node uplink.
  const auto as_is = CollectFrom(json);
  CHECK(as_is->interfaces.empty());
  CHECK(as_is->skipped_by_name == 1);
  // The same counters under an uplink name: no mtu/operstate in this
  // document, so those series are absent instead of made up.
  std::string renamed = json;
  renamed.replace(renamed.find("swp1"), 4, "eno1");
  const auto facts = CollectFrom(renamed);
  const NicFacts::Interface* eno1 = facts->Find("eno1");
  REQUIRE(eno1 != nullptr);
  CHECK_FALSE(eno1->mtu.has_value());
  CHECK_FALSE(eno1->up.has_value());
  CHECK(eno1->rx_errors == 0u);
  CHECK(eno1->tx_dropped == 0u);
  const std::string text = RenderText(*facts);
  CHECK(text.find("replwatch_nic_receive_errors_total") != std::string::npos);
  CHECK(text.find("replwatch_nic_mtu_bytes") == std::string::npos);
  CHECK(text.find("replwatch_nic_up") == std::string::npos);
  CheckPromtoolClean(text);
}

TEST_CASE("nic: at most 64 interfaces, duplicates once", "[nic]") {
  std::string json = "[";
  for (int i = 0; i < 70; ++i) {
    json += std::string(i ? "," : "") + R"({"ifname":"enp)" +
            std::to_string(i) + R"(s0","mtu":1500,"operstate":"UP"})";
  }
  json += R"(,{"ifname":"enp0s0","mtu":9000,"operstate":"UP"}])";
  const auto facts = CollectFrom(json);
  CHECK(facts->interfaces.size() == NicFacts::kMaxInterfaces);
  CHECK(facts->over_cap.at("interfaces") == 6);
  CHECK(facts->Find("enp0s0")->mtu == 1500u);  // the first one wins
  CHECK(facts->warnings.size() == 2);          // duplicate + over the cap
  CheckPromtoolClean(RenderText(*facts));
}

TEST_CASE("nic: which names are watched", "[nic]") {
  for (const char* name :
       {"vmbr0", "vmbr1v20", "bond0", "bond0.20", "eth0", "eno1", "enp3s0f1",
        "ens18", "enx001122334455", "nic0", "vlan30"}) {
    INFO(name);
    CHECK(IsWatchedInterfaceName(name));
  }
  for (const char* name :
       {"lo", "tap100i0", "fwbr100i0", "fwpr100p0", "fwln100i0", "veth101i0",
        "vxlan0", "wg0", "", "eno1 x", "enp0s31f6abcdefg"}) {
    INFO(name);
    CHECK_FALSE(IsWatchedInterfaceName(name));
  }
}

TEST_CASE("nic: failures fail the collector", "[nic]") {
  ScriptedTransport transport;
  SECTION("ip exits non-zero") {
    transport.Answer(kIpLink, "", 255, "Object \"link\" is unknown\n");
    CHECK_THROWS_AS(CollectFrom(transport), CollectorError);
  }
  SECTION("not JSON") {
    transport.Answer(kIpLink, "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n");
    CHECK_THROWS_AS(CollectFrom(transport), text::ParseError);
  }
  SECTION("JSON but not a list") {
    transport.Answer(kIpLink, R"({"ifname":"eno1"})");
    CHECK_THROWS_AS(CollectFrom(transport), text::ParseError);
  }
  SECTION("no ip on the node") {
    CHECK_THROWS_AS(CollectFrom(transport), TransportError);
  }
}

// vmbr0 (1500) on the cluster network, vmbr1 (9000) on a storage network,
// as `ip -j -s -s -d addr` prints them (keys irrelevant here left out).
constexpr const char* kTwoNetworks =
    R"([{"ifindex":2,"ifname":"vmbr0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"198.18.0.11","prefixlen":24,"scope":"global","label":"vmbr0"},{"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}],"stats64":{"rx":{"bytes":1,"packets":1,"errors":0,"dropped":0},"tx":{"bytes":1,"packets":1,"errors":0,"dropped":0}}},)"
    R"({"ifindex":3,"ifname":"vmbr1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":9000,"operstate":"UP","linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"10.1.2.11","prefixlen":24,"scope":"global","label":"vmbr1"}],"stats64":{"rx":{"bytes":1,"packets":1,"errors":0,"dropped":0},"tx":{"bytes":1,"packets":1,"errors":0,"dropped":0}}}])";

std::shared_ptr<const NicFacts> CollectWithDatacenter(
    const std::string& datacenter_cfg, const std::string& pve_version) {
  ScriptedTransport transport;
  transport.Answer(kIpLink, kTwoNetworks);
  transport.Answer(kDatacenter, datacenter_cfg);
  TestContext context;
  context.node.name = "pve1";
  auto node = std::make_shared<NodeFacts>();
  node->pve = parsers::PveVersion{pve_version, "49318c671b82f31e", "7.0.14"};
  context.Set(node);
  auto facts = std::dynamic_pointer_cast<const NicFacts>(
      NicCollector().Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  return facts;
}

const std::string kNetwork =
    "{pve_cluster=\"lab\",node=\"pve1\",network=\"10.1.2.0/24\","
    "option=\"replication\"";

TEST_CASE("nic: the replication network's interface sets the MTU", "[nic]") {
  const auto facts = CollectWithDatacenter(
      "keyboard: en-us\nreplication: secure,network=10.1.2.0/24\n", "9.2.20");
  CHECK(facts->Find("vmbr0")->addresses ==
        std::vector<std::string>{"198.18.0.11", "fe80::1"});
  REQUIRE(facts->ReplicationNetworkInterface() != nullptr);
  CHECK(facts->ReplicationNetworkInterface()->name == "vmbr1");
  CHECK(facts->ReplicationMtu() == 9000u);  // not the lowest, 1500
  CHECK(facts->InReplicationNetwork("10.1.2.12"));
  CHECK_FALSE(facts->InReplicationNetwork("198.18.0.12"));
  const std::string text = RenderText(*facts);
  CheckPromtoolClean(text);
  CHECK(
      testing::SampleValue(text, "replwatch_node_replication_network_present" +
                                     kNetwork + "}") == 1);
  CHECK(testing::SampleValue(
            text, "replwatch_node_replication_network_interface" + kNetwork +
                      ",interface=\"vmbr1\"}") == 1);
}

TEST_CASE("nic: PVE 8 reads migration: only", "[nic]") {
  const auto facts = CollectWithDatacenter(
      "replication: secure,network=10.1.2.0/24\n", "8.4.14");
  CHECK_FALSE(facts->replication_network.has_value());
  CHECK(facts->ReplicationMtu() == 1500u);
  CHECK(RenderText(*facts).find("replication_network") == std::string::npos);
}

TEST_CASE("nic: no address in the replication network is reported", "[nic]") {
  const auto facts = CollectWithDatacenter(
      "replication: secure,network=10.7.0.0/24\n", "9.2.20");
  CHECK(facts->ReplicationNetworkInterface() == nullptr);
  CHECK(testing::SampleValue(
            RenderText(*facts),
            "replwatch_node_replication_network_present{pve_cluster=\"lab\","
            "node=\"pve1\",network=\"10.7.0.0/24\",option=\"replication\"}") ==
        0);
}

TEST_CASE("nic: a network that is no CIDR is a warning, not a label", "[nic]") {
  const auto facts =
      CollectWithDatacenter("replication: secure,network=10.1.2.0\n", "9.2.20");
  CHECK_FALSE(facts->replication_network.has_value());
  REQUIRE(facts->warnings.size() == 1);
  CHECK(facts->warnings.front().message ==
        "datacenter.cfg: replication network 10.1.2.0 is not a CIDR network");
}

TEST_CASE("nic: datacenter.cfg missing is no network, unreadable is unknown",
          "[nic]") {
  for (const bool missing : {true, false}) {
    ScriptedTransport transport;
    transport.Answer(kIpLink, kTwoNetworks);
    transport.Answer(kDatacenter, "", 1,
                     missing ? "cat: /etc/pve/datacenter.cfg: No such file or "
                               "directory\n"
                             : "cat: /etc/pve/datacenter.cfg: Permission "
                               "denied\n");
    TestContext context;
    const auto facts = std::dynamic_pointer_cast<const NicFacts>(
        NicCollector().Collect(transport, context.Get()));
    REQUIRE(facts != nullptr);
    CHECK_FALSE(facts->replication_network.has_value());
    if (missing) {
      CHECK(facts->warnings.empty());
    } else {
      REQUIRE(facts->warnings.size() == 1);
      CHECK(facts->warnings.front().message ==
            "/etc/pve/datacenter.cfg: exit status 1 (cat: "
            "/etc/pve/datacenter.cfg: Permission denied); replication network "
            "unknown");
    }
  }
}

}  // namespace
}  // namespace replwatch

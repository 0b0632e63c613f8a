#include "collectors/paths.h"

#include <tuple>

#include "collectors/jobs.h"
#include "collectors/link_speed.h"
#include "collectors/nic.h"
#include "collectors/nic_testing.h"
#include "testing/catch.h"
#include "testing/exposition_checks.h"
#include "testing/scripted_transport.h"

namespace replwatch {
namespace {

using testing::RenderText;
using testing::SampleValue;
using testing::ScriptedTransport;
using testing::TestContext;

std::string Ssh(const std::string& name, const std::string& address) {
  return "ssh -o BatchMode=yes -o ConnectTimeout=5 -o HostKeyAlias=" + name +
         " -e none root@" + address + " -- /bin/true";
}

std::string Ping(int payload, const std::string& address) {
  return "ping -n -q -c 1 -W 2 -M do -s " + std::to_string(payload) + " " +
         address;
}

std::string Route(const std::string& address) {
  return "ip -j route get " + address;
}

std::string Speed(const std::string& interface) {
  return "cat /sys/class/net/" + interface + "/speed";
}

// iproute2 6.1's answer (the lab's node namespace).
std::string RouteOutput(const std::string& address, const std::string& dev) {
  return "[{\"dst\":\"" + address + "\",\"dev\":\"" + dev +
         "\",\"prefsrc\":\"198.18.0.11\",\"flags\":[],\"uid\":0,"
         "\"cache\":[]}]\n";
}

std::string PingOutput(const std::string& address, int payload, bool reply) {
  return "PING " + address + " (" + address + ") " + std::to_string(payload) +
         "(" + std::to_string(payload + 28) + ") bytes of data.\n\n--- " +
         address + " ping statistics ---\n" +
         (reply ? "1 packets transmitted, 1 received, 0% packet loss, time "
                  "0ms\nrtt min/avg/max/mdev = 0.227/0.227/0.227/0.000 ms\n"
                : "1 packets transmitted, 0 received, 100% packet loss, time "
                  "0ms\n\n");
}

// OpenSSH 9.2's stderr after `lab fault host-key-change pve3` (CRLF as the
// lab's ssh printed it; fingerprint shortened).
constexpr const char* kHostKeyChanged =
    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n"
    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
    "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\n"
    "The fingerprint for the ED25519 key sent by the remote host is\n"
    "SHA256:NmS7yBwYevd1zEJwhz1nTwG670zxHsrJsaWal4CRtOg.\r\n"
    "Offending ED25519 key in /etc/pve/priv/known_hosts:3\r\n"
    "Host key for pve3 has changed and you have requested strict checking.\r\n"
    "Host key verification failed.\r\n";

std::shared_ptr<const JobsFacts> Jobs(
    const std::vector<std::pair<std::string, std::string>>& id_and_target) {
  auto facts = std::make_shared<JobsFacts>();
  facts->node = "pve1";
  for (const auto& [id, target] : id_and_target) {
    JobFacts& job = facts->jobs.emplace_back();
    job.state.id = id;
    job.state.target = target;
    job.state.source = "pve1";
  }
  return facts;
}

TestContext Pve1(std::size_t peer_count = 3) {
  TestContext context;
  context.node.cluster = "lab";
  context.node.name = "pve1";
  for (std::size_t i = 2; i < 2 + peer_count; ++i) {
    context.peers.push_back(
        {"pve" + std::to_string(i), "198.18.0." + std::to_string(10 + i)});
  }
  return context;
}

std::shared_ptr<const PathsFacts> CollectFrom(ScriptedTransport& transport,
                                              const TestContext& context) {
  auto facts = std::dynamic_pointer_cast<const PathsFacts>(
      PathsCollector().Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  return facts;
}

std::string Series(const std::string& name, const std::string& target) {
  return name + "{pve_cluster=\"lab\",source=\"pve1\",target=\"" + target +
         "\"}";
}

TEST_CASE("paths: ssh and path MTU per replication target", "[paths]") {
  TestContext context = Pve1();
  context.Set(testing::NicWithVmbr0(1500));
  // Two jobs to pve2, one to pve3, one to a node replwatch is not told about.
  context.Set(Jobs({{"100-0", "pve2"},
                    {"101-0", "pve2"},
                    {"102-0", "pve3"},
                    {"103-0", "pve9"}}));
  ScriptedTransport transport;
  transport.Answer(Ssh("pve2", "198.18.0.12"), "");
  transport.Answer(Route("198.18.0.12"), RouteOutput("198.18.0.12", "vmbr0"));
  transport.Answer(Ping(1472, "198.18.0.12"),
                   PingOutput("198.18.0.12", 1472, true));
  transport.Answer(Ssh("pve3", "198.18.0.13"), "", 255, kHostKeyChanged);
  transport.Answer(Route("198.18.0.13"), RouteOutput("198.18.0.13", "vmbr0"));
  transport.Answer(Ping(1472, "198.18.0.13"),
                   PingOutput("198.18.0.13", 1472, false), 1);
  transport.Answer(Speed("vmbr0"), "10000\n");

  const auto facts = CollectFrom(transport, context);
  CHECK(transport.commands_run() ==
        std::vector<std::string>{
            Ssh("pve2", "198.18.0.12"), Route("198.18.0.12"), Speed("vmbr0"),
            Ping(1472, "198.18.0.12"), Ssh("pve3", "198.18.0.13"),
            Route("198.18.0.13"), Speed("vmbr0"), Ping(1472, "198.18.0.13")});
  REQUIRE(facts->paths.size() == 3);
  const PathCheck* pve3 = facts->Find("pve3");
  REQUIRE(pve3 != nullptr);
  CHECK(pve3->ssh_ok == false);
  CHECK(pve3->ssh_error == "Host key verification failed.");
  CHECK(pve3->path_mtu_ok == false);
  CHECK(pve3->probe_mtu == 1500u);
  const PathCheck* pve9 = facts->Find("pve9");
  REQUIRE(pve9 != nullptr);
  CHECK_FALSE(pve9->ssh_ok.has_value());
  CHECK_FALSE(pve9->path_mtu_ok.has_value());
  CHECK(facts->warnings.size() == 2);  // pve3's ssh verdict, unknown pve9

  const std::string text = RenderText(*facts);
  CHECK(SampleValue(text, Series("replwatch_link_ssh_ok", "pve2")) == 1);
  CHECK(SampleValue(text, Series("replwatch_link_path_mtu_ok", "pve2")) == 1);
  CHECK(SampleValue(text, Series("replwatch_link_probe_mtu_bytes", "pve2")) ==
        1500);
  CHECK(SampleValue(text, Series("replwatch_link_speed_bytes_per_second",
                                 "pve2")) == 1.25e9);
  CHECK(SampleValue(text,
                    "replwatch_link_interface_info{pve_cluster=\"lab\","
                    "source=\"pve1\",target=\"pve2\",interface="
                    "\"vmbr0\"}") == 1);
  CHECK(SampleValue(text, Series("replwatch_link_ssh_ok", "pve3")) == 0);
  CHECK(SampleValue(text, Series("replwatch_link_path_mtu_ok", "pve3")) == 0);
  CHECK(text.find("pve9") == std::string::npos);
  CHECK(text.find("Host key") == std::string::npos);
  const testing::LintResult lint = testing::PromtoolCheckMetrics(text);
  INFO(lint.output);
  CHECK(lint.exit_status == 0);
  CHECK(lint.output.empty());
}

TEST_CASE("paths: the probe size follows the node's MTU and address family",
          "[paths]") {
  TestContext context = Pve1(1);
  context.Set(Jobs({{"100-0", "pve2"}}));
  ScriptedTransport transport;
  transport.Answer(Ssh("pve2", "198.18.0.12"), "");
  transport.Answer(Route("198.18.0.12"), RouteOutput("198.18.0.12", "vmbr0"));
  SECTION("jumbo frames") {
    context.Set(testing::NicWithVmbr0(9000));
    transport.Answer(Ping(8972, "198.18.0.12"), "", 1);
    const auto facts = CollectFrom(transport, context);
    CHECK(facts->Find("pve2")->probe_mtu == 9000u);
    CHECK(facts->Find("pve2")->path_mtu_ok == false);
  }
  SECTION("IPv6 peer: 48 bytes of headers") {
    context.peers[0].address = "fd00::12";
    context.Set(testing::NicWithVmbr0(1500));
    transport.Answer(Ssh("pve2", "fd00::12"), "");
    transport.Answer(Route("fd00::12"), RouteOutput("fd00::12", "vmbr0"));
    transport.Answer(Ping(1452, "fd00::12"), "");
    const auto facts = CollectFrom(transport, context);
    CHECK(facts->Find("pve2")->path_mtu_ok == true);
    CHECK(transport.commands_run().back() == Ping(1452, "fd00::12"));
  }
  SECTION("no nic facts yet: ssh only") {
    const auto facts = CollectFrom(transport, context);
    CHECK(transport.commands_run() ==
          std::vector<std::string>{Ssh("pve2", "198.18.0.12")});
    CHECK(facts->Find("pve2")->ssh_ok == true);
    CHECK_FALSE(facts->Find("pve2")->probe_mtu.has_value());
    CHECK(RenderText(*facts).find("replwatch_link_path_mtu_ok") ==
          std::string::npos);
  }
}

TEST_CASE("paths: without jobs facts, targets come from replication.cfg",
          "[paths]") {
  TestContext context = Pve1();
  context.Set(testing::NicWithVmbr0(1500));
  ScriptedTransport transport;
  const std::string cat = "cat /etc/pve/replication.cfg";
  SECTION("jobs whose source is this node, enabled") {
    transport.Answer(cat,
                     "local: 100-0\n\ttarget pve2\n\tsource pve1\n\n"
                     "local: 101-0\n\ttarget pve3\n\tsource pve1\n\tdisable\n\n"
                     "local: 102-0\n\ttarget pve1\n\tsource pve2\n\n"
                     "local: 103-0\n\ttarget pve4\n\tsource pve2\n");
    transport.Answer(Ssh("pve2", "198.18.0.12"), "");
    transport.Answer(Route("198.18.0.12"), RouteOutput("198.18.0.12", "vmbr0"));
    transport.Answer(Ping(1472, "198.18.0.12"), "");
    transport.Answer(Speed("vmbr0"), "10000\n");
    const auto facts = CollectFrom(transport, context);
    CHECK(transport.commands_run() ==
          std::vector<std::string>{cat, Ssh("pve2", "198.18.0.12"),
                                   Route("198.18.0.12"), Speed("vmbr0"),
                                   Ping(1472, "198.18.0.12")});
    REQUIRE(facts->paths.size() == 1);
    CHECK(facts->paths[0].target == "pve2");
  }
  SECTION("no replication.cfg: no job was ever created") {
    transport.Answer(
        cat, "", 1,
        "cat: /etc/pve/replication.cfg: No such file or directory\n");
    CHECK(CollectFrom(transport, context)->paths.empty());
    CHECK(transport.commands_run().size() == 1);
  }
  SECTION("unreadable replication.cfg fails the collector") {
    transport.Answer(cat, "", 1,
                     "cat: /etc/pve/replication.cfg: Permission denied\n");
    CHECK_THROWS_AS(CollectFrom(transport, context), CollectorError);
  }
}

TEST_CASE("paths: a bridge's speed is its fastest port's", "[paths]") {
  TestContext context = Pve1(1);
  auto nic = std::make_shared<NicFacts>();
  for (const auto& [name, kind, master] :
       {std::tuple{"vmbr0", "bridge", ""}, std::tuple{"bond0", "bond", "vmbr0"},
        std::tuple{"eno1", "physical", "bond0"},
        std::tuple{"eno3", "physical", "vmbr0"}}) {
    NicFacts::Interface& interface = nic->interfaces.emplace_back();
    interface.name = name;
    interface.kind = kind;
    interface.master = master;
    interface.mtu = 1500;
    interface.up = true;
  }
  context.Set(nic);
  context.Set(Jobs({{"100-0", "pve2"}}));
  ScriptedTransport transport;
  transport.Answer(Ssh("pve2", "198.18.0.12"), "");
  transport.Answer(Route("198.18.0.12"), RouteOutput("198.18.0.12", "vmbr0"));
  transport.Answer(Ping(1472, "198.18.0.12"), "");
  // A bond of two 10G links, and a port whose link is down.
  transport.Answer(Speed("bond0"), "20000\n");
  transport.Answer(Speed("eno3"), "-1\n");
  std::size_t warnings = 0;
  SECTION("ports read") {}
  SECTION("a device without a speed of its own (EINVAL) is no warning") {
    nic->interfaces[0].kind = "veth";  // as if vmbr0 were not a bridge
    transport.Answer(Speed("vmbr0"), "", 1,
                     "cat: /sys/class/net/vmbr0/speed: Invalid argument\n");
  }
  SECTION("an unreadable port is warned about") {
    transport.Answer(Speed("bond0"), "", 1,
                     "cat: /sys/class/net/bond0/speed: Permission denied\n");
    warnings = 1;
  }
  const auto facts = CollectFrom(transport, context);
  const PathCheck* pve2 = facts->Find("pve2");
  REQUIRE(pve2 != nullptr);
  CHECK(facts->warnings.size() == warnings);
  if (nic->interfaces[0].kind == "bridge" && warnings == 0) {
    CHECK(pve2->link_speed_mbps == 20000u);
  } else {
    CHECK_FALSE(pve2->link_speed_mbps.has_value());
  }
  CHECK(ParseLinkSpeedMbps("10000\n") == 10000u);
  CHECK_FALSE(ParseLinkSpeedMbps("-1\n").has_value());
  CHECK_FALSE(ParseLinkSpeedMbps("0\n").has_value());
  CHECK_FALSE(ParseLinkSpeedMbps("fast").has_value());
}

TEST_CASE("paths: probes without a verdict leave their series out", "[paths]") {
  TestContext context = Pve1(1);
  context.Set(testing::NicWithVmbr0(1500));
  context.Set(Jobs({{"100-0", "pve2"}}));
  ScriptedTransport transport;
  std::size_t warnings = 0;
  SECTION("ssh killed by timeout, no route, ping error") {
    transport.Answer(Ssh("pve2", "198.18.0.12"), "", 124);
    transport.Answer(Route("198.18.0.12"), "", 2,
                     "RTNETLINK answers: Network is unreachable\n");
    transport.Answer(Ping(1472, "198.18.0.12"), "", 2,
                     "ping: connect: Network is unreachable\n");
    warnings = 3;
  }
  SECTION("neither ssh, ip nor ping installed") { warnings = 3; }
  const auto facts = CollectFrom(transport, context);
  CHECK(transport.commands_run().size() == 3);
  CHECK_FALSE(facts->Find("pve2")->ssh_ok.has_value());
  CHECK_FALSE(facts->Find("pve2")->path_mtu_ok.has_value());
  CHECK(facts->warnings.size() == warnings);
  CHECK(RenderText(*facts).empty());
}

TEST_CASE("paths: a lost session fails the collector", "[paths]") {
  TestContext context = Pve1(1);
  context.Set(Jobs({{"100-0", "pve2"}}));
  ScriptedTransport transport;
  transport.Fail(Ssh("pve2", "198.18.0.12"), TransportFailure::kTimeout);
  CHECK_THROWS_AS(CollectFrom(transport, context), TransportError);
}

TEST_CASE("paths: at most 16 targets, 4 commands each, never this node",
          "[paths]") {
  TestContext context = Pve1(20);
  context.Set(testing::NicWithVmbr0(1500));
  std::vector<std::pair<std::string, std::string>> jobs = {{"99-0", "pve1"}};
  for (const PeerNode& peer : context.peers) {
    jobs.emplace_back(std::to_string(100 + jobs.size()) + "-0", peer.name);
    jobs.emplace_back(std::to_string(100 + jobs.size()) + "-0", peer.name);
  }
  context.Set(Jobs(jobs));
  ScriptedTransport transport;
  for (const PeerNode& peer : context.peers) {
    transport.Answer(Ssh(peer.name, peer.address), "");
    transport.Answer(Route(peer.address), RouteOutput(peer.address, "vmbr0"));
    transport.Answer(Ping(1472, peer.address), "");
  }
  transport.Answer(Speed("vmbr0"), "1000\n");
  const auto facts = CollectFrom(transport, context);
  CHECK(facts->paths.size() == PathsFacts::kMaxTargets);
  CHECK(facts->Find("pve1") == nullptr);
  CHECK(transport.commands_run().size() == 4 * PathsFacts::kMaxTargets);
  CHECK(testing::SampleCount(RenderText(*facts), "replwatch_link_ssh_ok") ==
        PathsFacts::kMaxTargets);
}

// Two uplinks: vmbr0 (1500) for the cluster, vmbr1 (9000) for storage.
std::shared_ptr<NicFacts> TwoUplinks() {
  auto facts = std::make_shared<NicFacts>();
  for (const auto& [name, mtu, address] :
       {std::tuple<const char*, std::uint64_t, const char*>{"vmbr0", 1500,
                                                            "198.18.0.11"},
        {"vmbr1", 9000, "10.1.2.11"}}) {
    NicFacts::Interface& nic = facts->interfaces.emplace_back();
    nic.name = name;
    nic.kind = "bridge";
    nic.mtu = mtu;
    nic.up = true;
    nic.addresses = {address};
  }
  return facts;
}

TEST_CASE("paths: the probe uses the MTU of the interface the route names",
          "[paths]") {
  TestContext context = Pve1(1);
  context.peers[0].address = "10.1.2.12";
  context.Set(Jobs({{"100-0", "pve2"}}));
  context.Set(TwoUplinks());  // lowest MTU 1500
  ScriptedTransport transport;
  transport.Answer(Ssh("pve2", "10.1.2.12"), "");
  transport.Answer(Route("10.1.2.12"), RouteOutput("10.1.2.12", "vmbr1"));
  transport.Answer(Ping(8972, "10.1.2.12"), "");
  const auto facts = CollectFrom(transport, context);
  const PathCheck* pve2 = facts->Find("pve2");
  CHECK(pve2->interface == "vmbr1");
  CHECK(pve2->interface_mtu == 9000u);
  CHECK(pve2->path_mtu_ok == true);
}

TEST_CASE("paths: a replication network in datacenter.cfg names the interface",
          "[paths]") {
  TestContext context = Pve1(1);
  context.Set(Jobs({{"100-0", "pve2"}}));
  auto nic = TwoUplinks();
  nic->replication_network =
      parsers::TransferNetwork{"replication", "secure", "10.1.2.0/24"};
  context.Set(nic);
  ScriptedTransport transport;
  SECTION("the peer's address is in it: no route lookup") {
    context.peers[0].address = "10.1.2.12";
    transport.Answer(Ssh("pve2", "10.1.2.12"), "");
    transport.Answer(Ping(8972, "10.1.2.12"), "");
    const auto facts = CollectFrom(transport, context);
    CHECK(transport.commands_run() ==
          std::vector<std::string>{Ssh("pve2", "10.1.2.12"),
                                   Ping(8972, "10.1.2.12")});
    CHECK(facts->Find("pve2")->interface == "vmbr1");
  }
  SECTION("another address: the probe follows its route") {
    transport.Answer(Ssh("pve2", "198.18.0.12"), "");
    transport.Answer(Route("198.18.0.12"), RouteOutput("198.18.0.12", "vmbr0"));
    transport.Answer(Ping(1472, "198.18.0.12"), "");
    const auto facts = CollectFrom(transport, context);
    CHECK(facts->Find("pve2")->interface == "vmbr0");
    CHECK(facts->Find("pve2")->interface_mtu == 1500u);
  }
}

}  // namespace
}  // namespace replwatch

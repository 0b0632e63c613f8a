#include "collectors/paths.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "collectors/jobs.h"
#include "collectors/link_speed.h"
#include "collectors/nic.h"
#include "collectors/parsers/ip_route_parser.h"
#include "collectors/parsers/replication_cfg_parser.h"
#include "text/name_rules.h"
#include "text/text_scan.h"

namespace replwatch {
namespace {

// OpenSSH exits 255 for its own errors (connect, host key, auth).
constexpr int kSshFailed = 255;
// iputils ping: 1 = no reply (too big for the path, or lost); 2 = error.
constexpr int kPingNoReply = 1;

// The last non-blank line, printable. OpenSSH's verdict is its last line: a
// changed host key starts with a banner of '@' and ends with "Host key
// verification failed.".
std::string LastLine(std::string_view text) {
  std::string_view last;
  text::LineReader lines(text);
  for (std::string_view line; lines.Next(&line);) {
    if (!text::TrimSpace(line).empty()) last = text::TrimSpace(line);
  }
  return text::Printable(last, 200);
}

std::set<std::string> TargetsFromConfig(Transport& transport,
                                        const std::string& node) {
  const CommandResult result =
      transport.Run(MakeCommand(CommandId::kCatReplicationCfg));
  std::set<std::string> targets;
  if (result.exit_status != 0) {
    // PVE creates the file with the first job.
    if (text::Contains(result.err, "No such file or directory")) return targets;
    throw CollectorError("cat /etc/pve/replication.cfg exited " +
                         std::to_string(result.exit_status) + ": " +
                         LastLine(result.err));
  }
  // Jobs that never ran may lack `source`; the jobs facts cover them later.
  for (const auto& job : parsers::ParseReplicationConfig(result.out).jobs) {
    if (!job.disabled && job.source == node) targets.insert(job.target);
  }
  return targets;
}

std::set<std::string> ReplicationTargets(Transport& transport,
                                         const CollectContext& context) {
  if (const auto jobs = context.Latest<JobsFacts>()) {
    const std::vector<std::string> targets = jobs->ReplicationTargets();
    return {targets.begin(), targets.end()};
  }
  return TargetsFromConfig(transport, context.node.name);
}

// Runs one probe; nullopt (and a warning) when the node cannot start it.
std::optional<CommandResult> RunProbe(Transport& transport,
                                      const RemoteCommand& command,
                                      text::ParseWarnings* warnings) {
  try {
    return transport.Run(command);
  } catch (const TransportError& e) {
    if (e.kind() != TransportFailure::kExec) throw;
    warnings->Add(std::string(command.name()) + ": " + e.what());
    return std::nullopt;
  }
}

void CheckSsh(Transport& transport, const PeerNode& peer, PathCheck* check,
              text::ParseWarnings* warnings) {
  const auto result = RunProbe(
      transport,
      MakeCommand(CommandId::kSshBatchCheck, {peer.name, peer.address}),
      warnings);
  if (!result) return;
  if (result->exit_status == 0) {
    check->ssh_ok = true;
  } else if (result->exit_status == kSshFailed) {
    check->ssh_ok = false;
    check->ssh_error = LastLine(result->err);
    warnings->Add("ssh to " + peer.name + " (" + peer.address +
                  ") failed: " + check->ssh_error);
  } else {
    warnings->Add("ssh check to " + peer.name + " exited " +
                  std::to_string(result->exit_status));
  }
}

void ProbePathMtu(Transport& transport, const PeerNode& peer, std::uint64_t mtu,
                  PathCheck* check, text::ParseWarnings* warnings) {
  // IP + ICMP headers: 20 + 8 (IPv4), 40 + 8 (IPv6).
  const std::uint64_t headers =
      peer.address.find(':') == std::string::npos ? 28 : 48;
  if (mtu <= headers || mtu - headers > 65507) {
    warnings->Add("MTU " + std::to_string(mtu) + " cannot be probed");
    return;
  }
  const auto result =
      RunProbe(transport,
               MakeCommand(CommandId::kPingPathMtu,
                           {std::to_string(mtu - headers), peer.address}),
               warnings);
  if (!result) return;
  if (result->exit_status == 0 || result->exit_status == kPingNoReply) {
    check->probe_mtu = mtu;
    check->path_mtu_ok = result->exit_status == 0;
  } else {
    warnings->Add("path MTU probe to " + peer.name + " exited " +
                  std::to_string(result->exit_status) + ": " +
                  LastLine(result->err));
  }
}

// Sets check->interface and interface_mtu: the replication network's
// interface when the peer's address is in that network, else the one the
// node routes the address by (the probe then measures the path to the
// configured address; the MTU comparison of source and target uses the
// replication network's interfaces on both). A DNS name is not resolved
// here (ip route get takes addresses only): ReplicationMtu() stands in.
void FindRoute(Transport& transport, const PeerNode& peer, const NicFacts& nic,
               PathCheck* check, text::ParseWarnings* warnings) {
  const NicFacts::Interface* in_network = nic.ReplicationNetworkInterface();
  if (in_network != nullptr && nic.InReplicationNetwork(peer.address)) {
    check->interface = in_network->name;
    check->interface_mtu = in_network->mtu;
    return;
  }
  check->interface_mtu = nic.ReplicationMtu();
  if (!text::IsIpLiteral(peer.address)) return;
  const auto result = RunProbe(
      transport, MakeCommand(CommandId::kIpRouteGet, {peer.address}), warnings);
  if (!result) return;
  if (result->exit_status != 0) {
    warnings->Add("ip route get " + peer.address + " exited " +
                  std::to_string(result->exit_status) + ": " +
                  LastLine(result->err));
    return;
  }
  try {
    check->interface = parsers::ParseRouteGetDevice(result->out);
  } catch (const text::ParseError& e) {
    warnings->Add(std::string("ip route get ") + peer.address + ": " +
                  e.what());
    return;
  }
  if (const NicFacts::Interface* routed = nic.Find(check->interface)) {
    if (routed->mtu) check->interface_mtu = routed->mtu;
  }
}

LabelList PathLabels(const LabelList& node_labels, const std::string& target) {
  LabelList labels;
  for (const auto& [name, value] : node_labels) {
    labels.emplace_back(name == "node" ? "source" : name, value);
  }
  labels.emplace_back("target", target);
  return labels;
}

}  // namespace

const PathCheck* PathsFacts::Find(std::string_view target) const {
  for (const PathCheck& path : paths) {
    if (path.target == target) return &path;
  }
  return nullptr;
}

void PathsFacts::Render(const LabelList& node_labels, MetricSet& out) const {
  for (const PathCheck& path : paths) {
    const LabelList labels = PathLabels(node_labels, path.target);
    if (path.ssh_ok) {
      out.Gauge("replwatch_link_ssh_ok",
                "1 if root SSH in BatchMode from source to target works, as "
                "PVE replication runs it.",
                labels, *path.ssh_ok ? 1 : 0);
    }
    if (path.path_mtu_ok) {
      out.Gauge("replwatch_link_path_mtu_ok",
                "1 if a do-not-fragment ping of the probed size from source "
                "reached target and came back.",
                labels, *path.path_mtu_ok ? 1 : 0);
    }
    if (!path.interface.empty()) {
      LabelList with_interface = labels;
      with_interface.emplace_back("interface", path.interface);
      out.Gauge("replwatch_link_interface_info",
                "1 for the interface replication from source to target "
                "leaves by (the replication network's, else the route's).",
                with_interface, 1);
    }
    if (path.link_speed_mbps) {
      out.Gauge("replwatch_link_speed_bytes_per_second",
                "Speed of the interface replication from source to target "
                "leaves by (a bridge's: its fastest port's).",
                labels, static_cast<double>(*path.link_speed_mbps) * 1e6 / 8);
    }
    if (path.probe_mtu) {
      out.Gauge("replwatch_link_probe_mtu_bytes",
                "Packet size of the path MTU probe: the source's replication "
                "MTU.",
                labels, static_cast<double>(*path.probe_mtu));
    }
  }
}

std::shared_ptr<const Facts> PathsCollector::Collect(
    Transport& transport, const CollectContext& context) {
  auto facts = std::make_shared<PathsFacts>();
  std::set<std::string> targets = ReplicationTargets(transport, context);
  targets.erase(context.node.name);
  const auto latest_nic = context.Latest<NicFacts>();
  const NicFacts* nic = latest_nic.get();
  if (nic == nullptr && !targets.empty())
    facts->warnings.Add("no nic facts yet: path MTU not probed");
  for (const std::string& target : targets) {
    if (facts->paths.size() == PathsFacts::kMaxTargets) {
      facts->LeaveOut("replication_targets",
                      targets.size() - PathsFacts::kMaxTargets,
                      PathsFacts::kMaxTargets);
      break;
    }
    PathCheck& check = facts->paths.emplace_back();
    check.target = target;
    const auto peer =
        std::find_if(context.peers.begin(), context.peers.end(),
                     [&target](const PeerNode& p) { return p.name == target; });
    if (peer == context.peers.end()) {
      facts->warnings.Add("replication target " + text::Printable(target) +
                          " is not a configured node of this cluster");
      continue;
    }
    check.address = peer->address;
    try {
      CheckSsh(transport, *peer, &check, &facts->warnings);
      if (nic != nullptr) {
        FindRoute(transport, *peer, *nic, &check, &facts->warnings);
        if (!check.interface.empty()) {
          check.link_speed_mbps = ReadLinkSpeedMbps(
              transport, *nic, check.interface, &facts->warnings);
        }
      }
      if (check.interface_mtu) {
        ProbePathMtu(transport, *peer, *check.interface_mtu, &check,
                     &facts->warnings);
      }
    } catch (const CommandRejected& e) {
      facts->warnings.Add(e.what());
    }
  }
  return facts;
}

}  // namespace replwatch

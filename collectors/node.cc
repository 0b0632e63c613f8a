#include "collectors/node.h"

#include <charconv>
#include <optional>

#include "collectors/parsers/date_parser.h"
#include "text/parse_error.h"

namespace replwatch {
namespace {

// Optional tools: a node without ZFS or PVE still reports its clock.
std::optional<std::string> OutputIfInstalled(Transport& transport,
                                             CommandId id) {
  try {
    CommandResult result = transport.Run(MakeCommand(id));
    if (result.exit_status == 0) return std::move(result.out);
  } catch (const TransportError& e) {
    if (e.kind() != TransportFailure::kExec) throw;
  }
  return std::nullopt;
}

}  // namespace

const char* const kReplicationPackages[8] = {
    "proxmox-ve",          "pve-manager",
    "libpve-storage-perl", "libpve-guest-common-perl",
    "qemu-server",         "pve-container",
    "pve-ha-manager",      "zfsutils-linux"};

void NodeFacts::Render(const LabelList& node_labels, MetricSet& out) const {
  out.Gauge("replwatch_node_clock_offset_seconds",
            "Node clock minus replwatch's clock, corrected for half the "
            "command round trip.",
            node_labels, clock_offset_seconds);
  if (zfs) {
    LabelList labels = node_labels;
    labels.emplace_back("version", zfs->userland);
    labels.emplace_back("kernel_version", zfs->kernel);
    out.Gauge("replwatch_node_zfs_info",
              "ZFS userland and kernel module versions (zfs version).", labels,
              1);
  }
  if (pve) {
    LabelList labels = node_labels;
    labels.emplace_back("version", pve->manager);
    out.Gauge("replwatch_node_pve_info", "PVE manager version (pveversion).",
              labels, 1);
  }
  for (const auto& [package, version] : packages) {
    LabelList labels = node_labels;
    labels.emplace_back("package", package);
    labels.emplace_back("version", version);
    out.Gauge("replwatch_node_package_info",
              "Version of a package that takes part in replication "
              "(pveversion -v).",
              labels, 1);
  }
}

std::optional<std::string> NodeFacts::StorageVersion() const {
  const auto it = packages.find("libpve-storage-perl");
  if (it == packages.end()) return std::nullopt;
  return it->second;
}

std::optional<int> NodeFacts::PveMajor() const {
  if (!pve) return std::nullopt;
  int major = 0;
  const std::string& version = pve->manager;
  const auto [end, error] =
      std::from_chars(version.data(), version.data() + version.size(), major);
  if (error != std::errc() || end == version.data()) return std::nullopt;
  return major;
}

NodeCollector::NodeCollector() : now_(SystemClockSeconds) {}

// `pveversion -v` loads the apt cache, seconds of CPU on a busy node; the
// list is read again only when `pveversion` prints something else (an
// upgrade or a reboot into another kernel) or when it is an hour old.
void NodeCollector::ReadPackages(Transport& transport,
                                 const std::string& pveversion,
                                 NodeFacts& facts) {
  const double now = now_();
  if (pveversion != packages_pveversion_ ||
      now - packages_read_at_ >= kPackagesMaxAgeSeconds) {
    packages_.clear();
    packages_pveversion_.clear();
    const auto text =
        OutputIfInstalled(transport, CommandId::kPveversionVerbose);
    if (!text) return;
    const parsers::PvePackages all = parsers::ParsePvePackages(*text);
    for (const char* package : kReplicationPackages) {
      const auto it = all.find(package);
      if (it != all.end()) packages_.insert(*it);
    }
    packages_pveversion_ = pveversion;
    packages_read_at_ = now;
  }
  facts.packages = packages_;
}

std::shared_ptr<const Facts> NodeCollector::Collect(Transport& transport,
                                                    const CollectContext&) {
  auto facts = std::make_shared<NodeFacts>();
  const CommandResult date = transport.Run(MakeCommand(CommandId::kDate));
  const double received = now_();
  const std::optional<double> remote = parsers::ParseEpochSeconds(date.out);
  if (date.exit_status != 0 || !remote) {
    throw CollectorError("unexpected output from date (exit " +
                         std::to_string(date.exit_status) + ")");
  }
  // The node read its clock somewhere in the round trip; assume the middle.
  const double local_midpoint = received - date.elapsed.count() / 2;
  facts->clock_offset_seconds = *remote - local_midpoint;
  // A version that cannot be read leaves the version unknown; the clock
  // offset and the other version still count.
  try {
    if (auto text = OutputIfInstalled(transport, CommandId::kZfsVersion)) {
      facts->zfs = parsers::ParseZfsVersion(*text);
    }
  } catch (const text::ParseError& e) {
    facts->warnings.Add(e.what());
  }
  try {
    if (auto text = OutputIfInstalled(transport, CommandId::kPveversion)) {
      facts->pve = parsers::ParsePveVersion(*text);
      ReadPackages(transport, *text, *facts);
    }
  } catch (const text::ParseError& e) {
    facts->warnings.Add(e.what());
  }
  return facts;
}

}  // namespace replwatch

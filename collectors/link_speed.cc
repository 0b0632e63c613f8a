#include "collectors/link_speed.h"

#include <vector>

#include "text/text_scan.h"
#include "transport/remote_command.h"

namespace replwatch {
namespace {

std::optional<std::uint64_t> SpeedOf(Transport& transport,
                                     const std::string& interface,
                                     text::ParseWarnings* warnings) {
  CommandResult result;
  try {
    result = transport.Run(MakeCommand(CommandId::kCatLinkSpeed, {interface}));
  } catch (const TransportError& e) {
    if (e.kind() != TransportFailure::kExec) throw;
    warnings->Add("speed of " + interface + ": " + e.what());
    return std::nullopt;
  }
  if (result.exit_status != 0) {
    // A bridge or a VLAN has no speed of its own (EINVAL): not worth a word.
    if (!text::Contains(result.err, "Invalid argument")) {
      warnings->Add("speed of " + interface + ": exit status " +
                    std::to_string(result.exit_status));
    }
    return std::nullopt;
  }
  return ParseLinkSpeedMbps(result.out);
}

}  // namespace

std::optional<std::uint64_t> ParseLinkSpeedMbps(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  const auto mbps = text::ParseUint64(text::TrimSpace(text));
  if (!mbps || *mbps == 0 || *mbps > 100'000'000) return std::nullopt;
  return mbps;
}

std::optional<std::uint64_t> ReadLinkSpeedMbps(Transport& transport,
                                               const NicFacts& nic,
                                               const std::string& interface,
                                               text::ParseWarnings* warnings) {
  const NicFacts::Interface* routed = nic.Find(interface);
  std::vector<std::string> candidates;
  if (routed != nullptr && routed->kind == "bridge") {
    for (const NicFacts::Interface& port : nic.interfaces) {
      if (port.master == interface) candidates.push_back(port.name);
    }
  } else {
    candidates.push_back(interface);
  }
  std::optional<std::uint64_t> fastest;
  for (const std::string& name : candidates) {
    const auto mbps = SpeedOf(transport, name, warnings);
    if (mbps && (!fastest || *mbps > *fastest)) fastest = mbps;
  }
  return fastest;
}

}  // namespace replwatch

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

struct LinkCounters {
  std::optional<std::uint64_t> bytes;
  std::optional<std::uint64_t> packets;
  std::optional<std::uint64_t> errors;
  std::optional<std::uint64_t> dropped;
};

/// One interface from `ip -j -s -d link` (or text `ip -s link`).
struct InterfaceStats {
  std::string ifname;
  std::optional<std::uint64_t> mtu;
  std::string operstate;  // UP, DOWN, UNKNOWN, DORMANT, ...
  std::vector<std::string> flags;
  std::string master;  // bond/bridge master, if any
  LinkCounters rx;
  LinkCounters tx;
  /// `-d` JSON only: top-level carrier_changes, or where iproute2 6.1
  /// (Debian 12) prints it with `-s -s`: in stats64.tx.
  std::optional<std::uint64_t> carrier_changes;
  std::string kind;  // `-d` JSON linkinfo.info_kind (bridge, veth...); or empty
  /// `local` addresses of `addr_info` (`ip -j addr` only), IPv4 and IPv6,
  /// without their prefix length; at most kMaxAddresses.
  std::vector<std::string> addresses;
  static constexpr std::size_t kMaxAddresses = 32;
  bool approximate = false;  // text counters printed with -h units
};

struct LinkListing {
  std::vector<InterfaceStats> interfaces;
  text::ParseWarnings warnings;
};

/// `ip -j -s -s -d addr` or `ip -j -s -d link` (also `ip -j stats ... group
/// link`): a JSON array of interface objects; counters from `stats64` (or
/// `stats`), addresses from `addr_info` where present.
LinkListing ParseIpLinkJson(std::string_view json);

/// Text `ip [-s] [-s] [-d] [-h] link`. Counters are matched to the keyword
/// header line above them by token position, never by column offset (old
/// iproute2 shifts columns for large counters). VF counter blocks are skipped.
LinkListing ParseIpLinkText(std::string_view text);

}  // namespace replwatch::parsers

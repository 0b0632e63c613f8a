#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// The network replication traffic is sent over, as /etc/pve/datacenter.cfg
/// sets it: `replication: [type=]secure|insecure[,network=<CIDR>]` (PVE 9,
/// libpve-guest-common-perl 6.0.1), else `migration:` of the same format.
struct TransferNetwork {
  std::string option;  ///< "replication" or "migration": where it was set
  std::string type;    ///< "secure" (default) or "insecure"
  std::string cidr;    ///< "10.1.2.0/24"; empty: the cluster network
};

struct DatacenterConfig {
  std::optional<TransferNetwork> replication;
  std::optional<TransferNetwork> migration;
  text::ParseWarnings warnings;

  /// What a node's replication uses: PVE 9 reads `replication:` first and
  /// falls back to `migration:`; PVE 8 (guest-common 5.x) reads only
  /// `migration:`. nullopt: neither is set (the cluster network).
  std::optional<TransferNetwork> NetworkFor(int pve_major) const;
};

/// Parses datacenter.cfg (`key: value` lines, PVE::JSONSchema property
/// strings); keys other than replication and migration are ignored.
DatacenterConfig ParseDatacenterCfg(std::string_view text);

}  // namespace replwatch::parsers

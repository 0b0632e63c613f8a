#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace replwatch {

/// An IPv4 or IPv6 network in CIDR notation ("10.1.2.0/24", "fd00::/64"),
/// as datacenter.cfg names the replication network.
class IpNetwork {
 public:
  /// nullopt unless `cidr` is an address, '/', and a prefix length that
  /// fits its family. Host bits may be set ("10.1.2.7/24"), as PVE allows.
  static std::optional<IpNetwork> Parse(std::string_view cidr);

  /// True if `address` (no prefix) is of the same family and inside.
  bool Contains(std::string_view address) const;

 private:
  int family_ = 0;  // AF_INET or AF_INET6
  std::array<unsigned char, 16> bytes_{};
  int prefix_ = 0;
};

}  // namespace replwatch

#pragma once

#include <string_view>

namespace replwatch::text {

// Names that end up in remote commands or labels are checked against these
// rules before use; anything else is rejected, never escaped into shape.

/// PVE node names are host names: letters, digits, '-', at most 63 chars.
bool IsValidNodeName(std::string_view name);

/// Cluster names in our config: letters, digits, '-', '_', '.'.
bool IsValidClusterName(std::string_view name);

/// An IPv4/IPv6 literal or a DNS name.
bool IsValidHostAddress(std::string_view address);

/// An IPv4 or IPv6 literal (no prefix length, no name).
bool IsIpLiteral(std::string_view address);

/// A ZFS filesystem or volume name as zfs_namecheck.c accepts it: '/'-separated
/// components of letters, digits, '_', '-', '.', ':' and ' ', the pool's
/// starting with a letter; no "." or ".." component; under 256 bytes.
bool IsValidZfsDatasetName(std::string_view name);

/// A POSIX-ish login name.
bool IsValidUnixUserName(std::string_view name);

/// A network interface name as the kernel's dev_valid_name() takes it: 1-15
/// bytes, not "." or "..", no '/', ':' or white space; here also printable
/// ASCII only.
bool IsValidInterfaceName(std::string_view name);

}  // namespace replwatch::text

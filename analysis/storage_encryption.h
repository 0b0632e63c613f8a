#pragma once

#include <optional>
#include <string>

namespace replwatch {

/// What replicating an encrypted disk between two nodes does, by the
/// libpve-storage-perl version of each. pve-storage 9.1.3 (PVE 9.2) sends
/// with `zfs send -RpvU` and receives with `zfs recv -F -x encryption`;
/// older versions send with `zfs send -Rpv` and receive with `zfs recv -F`.
enum class EncryptedReplication {
  kUnknown,  // a version is unknown
  /// Source before 9.1.3: `zfs send -Rpv` refuses an encrypted dataset
  /// ("may not be sent with properties without the raw flag").
  kCannotSend,
  /// Source 9.1.3 or later, target older: the replica is created
  /// unencrypted under its encrypted parent (pve-storage's changelog:
  /// receiving nodes need the fix before the first such send).
  kLandsUnencrypted,
  /// Both 9.1.3 or later: the replica inherits its target parent's
  /// encryption.
  kInherits,
};

/// The first libpve-storage-perl that replicates encrypted disks.
inline constexpr char kFirstEncryptingStorage[] = "9.1.3";

EncryptedReplication EncryptedReplicationBetween(
    const std::optional<std::string>& source_storage,
    const std::optional<std::string>& target_storage);

/// "pve1 runs pve-storage 9.1.10 (zfs send -RpvU), pve2 runs 8.3.7 (zfs
/// recv -F without -x encryption)": the two versions, for a human.
std::string DescribeStorageVersions(
    const std::string& source, const std::optional<std::string>& source_storage,
    const std::string& target,
    const std::optional<std::string>& target_storage);

}  // namespace replwatch

#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/parsers/guest_config_parser.h"
#include "collectors/parsers/storage_cfg_parser.h"
#include "text/parse_error.h"
#include "transport/transport.h"

namespace replwatch {

/// Why a failover to a replica would leave one of a guest's disks behind.
enum class LeftBehind {
  kReplicateOff,            // replicate=0 on the disk
  kStorageCannotReplicate,  // a local storage other than zfspool
  kLocalDevice,             // a passthrough path (/dev/...) or bind mount
  kUnknownStorage,          // a storage storage.cfg does not define
};

/// The `reason` label of a LeftBehind.
std::string_view LeftBehindLabel(LeftBehind reason);

/// One disk of a guest that replication does not copy.
struct UnreplicatedDisk {
  std::string key;     // "scsi1", "mp0", "unused0"
  std::string volume;  // as the config names it
  LeftBehind reason;
};

/// What a failover of one guest takes along, and what it leaves behind.
struct GuestDisks {
  /// The datasets its replication copies (`<pool>/<volname>`), in config
  /// order: a disk added since the job's last run is among them before it
  /// has a replica.
  std::vector<std::string> replicated_datasets;
  std::vector<UnreplicatedDisk> left_behind;
};

/// Sorts the disks of guest `vmid`'s current config by
/// get_replicatable_volumes' rules (qemu-server QemuConfig.pm, pve-container
/// LXC/Config.pm): a cdrom or `none` is no disk; a volume on shared storage
/// is reachable from any node and a volume another guest owns is not this
/// guest's, so neither is left behind; a local volume is copied only from a
/// zfspool storage with replicate on. Disks that fail the job (no replicate
/// feature, a device) are left behind too: the job copies none of the
/// guest's disks then.
GuestDisks SortGuestDisks(
    std::uint64_t vmid, const std::vector<parsers::GuestDisk>& disks,
    const std::map<std::string, parsers::StorageDefinition>& storages);

/// Reads storage.cfg (always) and the configs of `guests` (VMID ->
/// "qemu"/"lxc", at most one command per guest type) and sorts each readable
/// guest's disks. What cannot be read is a warning and leaves those guests
/// out (unknown, not "none").
std::map<std::uint64_t, GuestDisks> ReadGuestDisks(
    Transport& transport, const std::map<std::uint64_t, std::string>& guests,
    text::ParseWarnings* warnings);

}  // namespace replwatch

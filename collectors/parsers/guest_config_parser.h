#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// A volume line of a guest's current configuration.
struct GuestDisk {
  std::string key;        // "scsi0", "efidisk0", "rootfs", "mp1", "unused0"
  std::string volume;     // "local-zfs:vm-100-disk-0", "/dev/sdb", "none"
  bool cdrom = false;     // media=cdrom
  bool replicate = true;  // replicate=0 leaves it out of replication
};

/// The volume lines of a VM (`vmtype` "qemu") or container ("lxc") config,
/// from its current section only (before the first `[...]`: snapshots,
/// pending changes): the keys pve-guest-common's get_replicatable_volumes
/// walks there (qemu-server: ide0-3, scsi0-30, virtio0-15, sata0-5,
/// efidisk0, tpmstate0, vmstate, unusedN; pve-container: rootfs, mpN,
/// unusedN). Other lines are ignored; a volume line without a volume is a
/// warning.
std::vector<GuestDisk> ParseGuestConfigDisks(std::string_view text,
                                             std::string_view vmtype,
                                             text::ParseWarnings* warnings);

/// `grep -H ^ <file>...` output: each file's lines, by file name. A line
/// without "<name>:" is a warning.
std::map<std::string, std::string> SplitGrepByFile(
    std::string_view text, text::ParseWarnings* warnings);

}  // namespace replwatch::parsers

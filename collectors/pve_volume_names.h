#pragma once

#include <string_view>

namespace replwatch {

/// True if the last component of `dataset` is a PVE guest volume name as
/// ZFSPoolPlugin's parse_volname accepts it: `(vm|subvol|base|basevol)-<vmid>-
/// <rest>` (vm-100-disk-0, subvol-101-disk-0, vm-100-state-snap1,
/// vm-100-cloudinit, the vm-192-disk-1 of a linked clone base-9002-disk-0/
/// vm-192-disk-1). These are the datasets pvesr replicates.
bool IsPveVolumeDataset(std::string_view dataset);

/// The guest id (the digits after the prefix) of a PVE volume dataset, or an
/// empty view when IsPveVolumeDataset is false: the guest PVE's storage
/// assigns the volume to, whatever snapshots it holds.
std::string_view GuestOfPveVolume(std::string_view dataset);

/// The pool a dataset belongs to: its first path component.
std::string_view PoolOfDataset(std::string_view dataset);

}  // namespace replwatch

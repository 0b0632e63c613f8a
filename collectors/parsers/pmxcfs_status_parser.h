#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// Where a guest lives, from /etc/pve/.vmlist.
struct GuestPlacement {
  std::string node;
  std::string type;  // "qemu" / "lxc"
};

/// /etc/pve/.vmlist, the cluster's guest list that pmxcfs prints
/// (pve-cluster src/pmxcfs/status.c cfs_create_vmlist_msg): VMID -> where it
/// lives. No "ids" is an empty cluster. An entry that is not an object with
/// a string "node" is skipped with a warning. Throws text::ParseError if the
/// text is not a JSON object.
std::map<std::uint64_t, GuestPlacement> ParseVmlist(
    std::string_view json, text::ParseWarnings* warnings);

/// /etc/pve/.members (pmxcfs, status.c cfs_create_memberlist_msg): node
/// name -> online. A node without a numeric "online" counts as offline.
/// Throws text::ParseError if the text is not a JSON object.
std::map<std::string, bool> ParseMembersOnline(std::string_view json,
                                               text::ParseWarnings* warnings);

}  // namespace replwatch::parsers

#include "collectors/guest_disks.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "collectors/checked_command.h"
#include "text/text_scan.h"

namespace replwatch {
namespace {

// The VMID a volume name belongs to, as the storage plugins' parse_volname
// find it: `vm-100-disk-0`, `subvol-100-disk-0`, `base-9000-disk-0/vm-100-
// disk-0` (a linked clone: the part after '/'), `100/vm-100-disk-0.qcow2`
// (directory storages). nullopt for anything else (an ISO, a template).
std::optional<std::uint64_t> OwnerOf(std::string_view volname) {
  const std::size_t slash = volname.rfind('/');
  std::string_view file =
      slash == std::string_view::npos ? volname : volname.substr(slash + 1);
  for (const std::string_view prefix :
       {"vm-", "subvol-", "base-", "basevol-"}) {
    if (!text::StartsWith(file, prefix)) continue;
    std::string_view rest = file.substr(prefix.size());
    const std::string_view id = text::SplitAt(&rest, '-');
    return text::ParseUint64(id);
  }
  return std::nullopt;
}

// Each config's lines after its file name. Exit 1 is "no line at all", 2 a
// file that could not be read: gone (its guest just moved away) is quiet,
// anything else a warning; the files that were read are printed either way.
std::string GrepConfigs(Transport& transport, CommandId command,
                        const std::vector<std::string>& ids,
                        text::ParseWarnings* warnings) {
  CommandResult grep;
  try {
    grep = transport.Run(MakeCommand(command, ids));
  } catch (const TransportError& e) {
    if (e.kind() != TransportFailure::kExec) throw;
    warnings->Add(std::string(CommandName(command)) + ": " + e.what() +
                  "; unreplicated disks are not known");
    return "";
  }
  std::string_view err = grep.err;
  const std::string_view first_error = text::SplitAt(&err, '\n');
  if (grep.exit_status > 2 ||
      (grep.exit_status == 2 &&
       !text::Contains(grep.err, "No such file or directory"))) {
    warnings->Add(std::string(CommandName(command)) + " exited with " +
                  std::to_string(grep.exit_status) + " (" +
                  text::Printable(first_error) +
                  "); those guests' unreplicated disks are not known");
  }
  return grep.exit_status <= 2 ? std::move(grep.out) : "";
}

}  // namespace

std::string_view LeftBehindLabel(LeftBehind reason) {
  switch (reason) {
    case LeftBehind::kReplicateOff:
      return "replicate_off";
    case LeftBehind::kStorageCannotReplicate:
      return "storage_cannot_replicate";
    case LeftBehind::kLocalDevice:
      return "local_device";
    case LeftBehind::kUnknownStorage:
      return "unknown_storage";
  }
  return "unknown_storage";
}

GuestDisks SortGuestDisks(
    std::uint64_t vmid, const std::vector<parsers::GuestDisk>& disks,
    const std::map<std::string, parsers::StorageDefinition>& storages) {
  GuestDisks sorted;
  std::vector<UnreplicatedDisk>& left = sorted.left_behind;
  for (const parsers::GuestDisk& disk : disks) {
    if (disk.cdrom || disk.volume == "none") continue;
    if (text::StartsWith(disk.volume, "/")) {
      left.push_back({disk.key, disk.volume, LeftBehind::kLocalDevice});
      continue;
    }
    std::string_view volname = disk.volume;
    const std::string storage(text::SplitAt(&volname, ':'));
    const auto found = storages.find(storage);
    if (volname.empty() || found == storages.end()) {
      left.push_back({disk.key, disk.volume, LeftBehind::kUnknownStorage});
      continue;
    }
    if (found->second.shared || OwnerOf(volname) != vmid) continue;
    if (!disk.replicate) {
      left.push_back({disk.key, disk.volume, LeftBehind::kReplicateOff});
    } else if (found->second.type != "zfspool") {
      left.push_back(
          {disk.key, disk.volume, LeftBehind::kStorageCannotReplicate});
    } else if (!found->second.pool.empty()) {
      // ZFSPoolPlugin's path: the volume under the storage's pool.
      sorted.replicated_datasets.push_back(found->second.pool + "/" +
                                           std::string(volname));
    }
  }
  return sorted;
}

std::map<std::uint64_t, GuestDisks> ReadGuestDisks(
    Transport& transport, const std::map<std::uint64_t, std::string>& guests,
    text::ParseWarnings* warnings) {
  std::map<std::uint64_t, GuestDisks> result;
  // Read even without guests: a collector that runs no command would tell
  // the node worker that an unreachable node answered.
  const std::optional<std::string> storage_text =
      ReadOptionalFile(transport, CommandId::kCatStorageCfg,
                       "unreplicated disks are not known", *warnings);
  if (!storage_text || guests.empty()) return result;
  const auto storages = parsers::ParseStorageConfig(*storage_text, warnings);
  for (const auto& [command, vmtype, directory] :
       {std::tuple<CommandId, const char*, const char*>{
            CommandId::kGrepVmConfigs, "qemu", "/etc/pve/local/qemu-server/"},
        {CommandId::kGrepCtConfigs, "lxc", "/etc/pve/local/lxc/"}}) {
    std::vector<std::string> ids;
    for (const auto& [vmid, type] : guests) {
      // PVE's VMID range; the allow-list refuses others.
      if (type == vmtype && vmid >= 100 && vmid <= 999999999) {
        ids.push_back(std::to_string(vmid));
      }
    }
    std::string out;
    for (std::size_t first = 0; first < ids.size();
         first += kMaxDatasetsPerCommand) {
      const std::size_t end =
          std::min(ids.size(), first + kMaxDatasetsPerCommand);
      out += GrepConfigs(transport, command,
                         {ids.begin() + first, ids.begin() + end}, warnings);
    }
    const auto files = parsers::SplitGrepByFile(out, warnings);
    for (const std::string& id : ids) {
      const auto file = files.find(directory + id + ".conf");
      if (file == files.end()) continue;  // unknown: moved, or unreadable
      const std::uint64_t vmid = *text::ParseUint64(id);
      result[vmid] = SortGuestDisks(
          vmid, parsers::ParseGuestConfigDisks(file->second, vmtype, warnings),
          storages);
    }
  }
  return result;
}

}  // namespace replwatch

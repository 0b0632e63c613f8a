#include "collectors/parsers/guest_config_parser.h"

#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

// `prefix` followed by a decimal number of at most `max`.
bool IsNumbered(std::string_view key, std::string_view prefix, unsigned max) {
  if (!text::StartsWith(key, prefix) || key.size() == prefix.size()) {
    return false;
  }
  const auto number = text::ParseUint64(key.substr(prefix.size()));
  return number && *number <= max &&
         (key.size() == prefix.size() + 1 || key[prefix.size()] != '0');
}

bool IsVmVolumeKey(std::string_view key) {
  return IsNumbered(key, "ide", 3) || IsNumbered(key, "scsi", 30) ||
         IsNumbered(key, "virtio", 15) || IsNumbered(key, "sata", 5) ||
         key == "efidisk0" || key == "tpmstate0" || key == "vmstate" ||
         IsNumbered(key, "unused", 255);
}

bool IsCtVolumeKey(std::string_view key) {
  return key == "rootfs" || IsNumbered(key, "mp", 255) ||
         IsNumbered(key, "unused", 255);
}

// A property string ("local-zfs:vm-100-disk-0,size=32G,replicate=0"): the
// volume is its first, unnamed item or `default_key=`.
GuestDisk ReadVolume(std::string key, std::string_view value,
                     std::string_view default_key) {
  GuestDisk disk;
  disk.key = std::move(key);
  bool first = true;
  while (!value.empty()) {
    const std::string_view item = text::SplitAt(&value, ',');
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      if (first) disk.volume = std::string(item);
    } else {
      const std::string_view name = item.substr(0, eq);
      const std::string_view setting = item.substr(eq + 1);
      if (name == default_key) disk.volume = std::string(setting);
      if (name == "media") disk.cdrom = setting == "cdrom";
      if (name == "replicate") {
        disk.replicate = !(setting == "0" || setting == "no" ||
                           setting == "off" || setting == "false");
      }
    }
    first = false;
  }
  return disk;
}

}  // namespace

std::vector<GuestDisk> ParseGuestConfigDisks(std::string_view text,
                                             std::string_view vmtype,
                                             text::ParseWarnings* warnings) {
  const bool vm = vmtype == "qemu";
  std::vector<GuestDisk> disks;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (text::StartsWith(line, "[")) break;  // snapshots, pending changes
    std::string_view value = line;
    const std::string_view key = text::TrimSpace(text::SplitAt(&value, ':'));
    if (!(vm ? IsVmVolumeKey(key) : IsCtVolumeKey(key))) continue;
    value = text::TrimSpace(value);
    // unusedN and vmstate hold a bare volume id.
    const bool bare = text::StartsWith(key, "unused") || key == "vmstate";
    GuestDisk disk =
        bare ? GuestDisk{std::string(key), std::string(value)}
             : ReadVolume(std::string(key), value, vm ? "file" : "volume");
    if (disk.volume.empty()) {
      warnings->Add(lines.line_number(),
                    "'" + std::string(key) + "' names no volume, skipped");
      continue;
    }
    disks.push_back(std::move(disk));
  }
  return disks;
}

std::map<std::string, std::string> SplitGrepByFile(
    std::string_view text, text::ParseWarnings* warnings) {
  std::map<std::string, std::string> files;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    std::string_view rest = line;
    const std::string_view name = text::SplitAt(&rest, ':');
    if (name.size() == line.size()) {
      warnings->Add(lines.line_number(), "line without a file name");
      continue;
    }
    std::string& file = files[std::string(name)];
    file.append(rest).push_back('\n');
  }
  return files;
}

}  // namespace replwatch::parsers

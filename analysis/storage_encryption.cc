#include "analysis/storage_encryption.h"

#include <tuple>

#include "collectors/parsers/zfs_version_parser.h"

namespace replwatch {
namespace {

// nullopt when unknown or not a version.
std::optional<bool> Encrypts(const std::optional<std::string>& storage) {
  if (!storage) return std::nullopt;
  const auto version = parsers::ParseReleaseNumber(*storage);
  const auto first = parsers::ParseReleaseNumber(kFirstEncryptingStorage);
  if (!version) return std::nullopt;
  return std::tie(version->major, version->minor, version->patch) >=
         std::tie(first->major, first->minor, first->patch);
}

std::string Side(const std::string& node,
                 const std::optional<std::string>& storage, bool sender) {
  if (!storage) return node + "'s pve-storage version is unknown";
  const auto encrypts = Encrypts(storage);
  std::string how;
  if (encrypts) {
    how = sender ? (*encrypts ? "zfs send -RpvU" : "zfs send -Rpv")
                 : (*encrypts ? "zfs recv -F -x encryption"
                              : "zfs recv -F, without -x encryption");
  }
  return node + " runs pve-storage " + *storage +
         (how.empty() ? "" : " (" + how + ")");
}

}  // namespace

EncryptedReplication EncryptedReplicationBetween(
    const std::optional<std::string>& source_storage,
    const std::optional<std::string>& target_storage) {
  const auto source = Encrypts(source_storage);
  if (source && !*source) return EncryptedReplication::kCannotSend;
  const auto target = Encrypts(target_storage);
  if (!source || !target) return EncryptedReplication::kUnknown;
  return *target ? EncryptedReplication::kInherits
                 : EncryptedReplication::kLandsUnencrypted;
}

std::string DescribeStorageVersions(
    const std::string& source, const std::optional<std::string>& source_storage,
    const std::string& target,
    const std::optional<std::string>& target_storage) {
  return Side(source, source_storage, true) + ", " +
         Side(target, target_storage, false);
}

}  // namespace replwatch

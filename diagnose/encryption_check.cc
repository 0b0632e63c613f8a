#include "diagnose/encryption_check.h"

#include "analysis/storage_encryption.h"
#include "collectors/datasets.h"
#include "collectors/node.h"

namespace replwatch::diagnose {
namespace {

std::optional<std::string> StorageOf(const ClusterView& view,
                                     const std::string& node) {
  const auto* facts = view.Find<NodeFacts>(node);
  return facts != nullptr ? facts->StorageVersion() : std::nullopt;
}

// The nodes' pve-storage versions, when they decide what the next sync of
// an encrypted disk does.
std::optional<Check> CheckStorageVersions(
    const JobDiagnosis& job, const std::optional<std::string>& source,
    const std::optional<std::string>& target) {
  const std::string versions =
      DescribeStorageVersions(job.source, source, job.target, target);
  Check check{"pve-storage on " + job.source + " and " + job.target +
                  " for encrypted disks",
              Severity::kOk, versions};
  switch (EncryptedReplicationBetween(source, target)) {
    case EncryptedReplication::kUnknown:
      return std::nullopt;
    case EncryptedReplication::kCannotSend:
      check.severity = Severity::kCritical;
      check.alert = "ReplwatchJobFailing";
      check.detail += ": an encrypted disk cannot be sent before pve-storage " +
                      std::string(kFirstEncryptingStorage) + " (PVE 9.2)";
      break;
    case EncryptedReplication::kLandsUnencrypted:
      check.severity = Severity::kWarning;
      check.alert = "ReplwatchReplicaEncryptionDrift";
      check.detail +=
          ": a full sync creates the replica unencrypted; "
          "upgrade " +
          job.target + " first";
      break;
    case EncryptedReplication::kInherits:
      check.detail += ": replicas inherit " + job.target + "'s encryption";
      break;
  }
  return check;
}

}  // namespace

std::vector<Check> CheckEncryption(const ClusterView& view,
                                   const std::vector<std::string>& volumes,
                                   const JobDiagnosis& job) {
  std::vector<Check> checks;
  const auto* source_ds = view.Find<DatasetsFacts>(job.source);
  const auto* target_ds = view.Find<DatasetsFacts>(job.target);
  const auto source_storage = StorageOf(view, job.source);
  const auto target_storage = StorageOf(view, job.target);
  bool any_encrypted = false;
  for (const auto& volume : volumes) {
    const DatasetInfo* source = source_ds ? source_ds->Find(volume) : nullptr;
    const DatasetInfo* target = target_ds ? target_ds->Find(volume) : nullptr;
    const DatasetInfo* parent =
        target_ds ? target_ds->NearestListedAncestor(volume) : nullptr;
    any_encrypted = any_encrypted || (source && source->encrypted()) ||
                    (target && target->encrypted());
    const std::string name = "encryption of " + volume + " on " + job.target;
    const auto drift =
        target_ds ? target_ds->EncryptionDriftOf(volume) : std::nullopt;
    if (drift == EncryptionDrift::kUnencryptedUnderEncryptedParent) {
      checks.push_back(
          {name, Severity::kWarning,
           "not encrypted, while its parent is (encryption root " +
               (parent ? parent->encryption_root.value_or("?") : "?") + "); " +
               DescribeStorageVersions(job.source, source_storage, job.target,
                                       target_storage) +
               "; once " + job.target + " runs pve-storage " +
               kFirstEncryptingStorage + " or later, re-seed the replica",
           "ReplwatchReplicaEncryptionDrift"});
    } else if (drift == EncryptionDrift::kOwnRootUnderEncryptedParent) {
      checks.push_back(
          {name, Severity::kWarning,
           "its own encryption root under an encrypted parent (a raw "
           "receive, which PVE does not do): its key must be loaded on its "
           "own before the guest can start there",
           "ReplwatchReplicaEncryptionDrift"});
    }
    if (target && target->encrypted() && target->keystatus == "unavailable") {
      const std::string root = target->encryption_root.value_or(volume);
      checks.push_back({"key of " + root + " on " + job.target,
                        Severity::kWarning,
                        "not loaded: the guest cannot start there until `zfs "
                        "load-key " +
                            root + "`",
                        "ReplwatchReplicaKeyNotLoaded"});
    }
  }
  if (any_encrypted) {
    if (auto versions =
            CheckStorageVersions(job, source_storage, target_storage)) {
      checks.insert(checks.begin(), *versions);
    }
  }
  return checks;
}

}  // namespace replwatch::diagnose

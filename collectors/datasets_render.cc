// DatasetsFacts::Render: per-dataset series only for PVE guest volumes (the
// replicated datasets); pool roots and the parents of guest volumes (where a
// new replica is created) get their available space.
#include <set>

#include "collectors/datasets.h"
#include "collectors/pve_volume_names.h"
#include "exposition/label_values.h"

namespace replwatch {
namespace {

void Bytes(const char* name, const char* help,
           const std::optional<std::uint64_t>& value, const LabelList& labels,
           MetricSet& out) {
  if (value) out.Gauge(name, help, labels, static_cast<double>(*value));
}

void RenderAvailable(const DatasetInfo& info, const LabelList& labels,
                     MetricSet& out) {
  Bytes("replwatch_dataset_available_bytes",
        "Space available to the dataset (zfs get available).",
        info.available_bytes, labels, out);
}

void RenderGuestVolume(const DatasetInfo& info, const LabelList& labels,
                       MetricSet& out) {
  RenderAvailable(info, labels, out);
  Bytes("replwatch_dataset_used_bytes", "Space used by the dataset.",
        info.used_bytes, labels, out);
  Bytes("replwatch_dataset_quota_bytes", "Dataset quota, when set.",
        info.quota_bytes, labels, out);
  Bytes("replwatch_dataset_refquota_bytes", "Dataset refquota, when set.",
        info.refquota_bytes, labels, out);
  Bytes("replwatch_dataset_reservation_bytes", "Dataset reservation, when set.",
        info.reservation_bytes, labels, out);
  Bytes("replwatch_dataset_refreservation_bytes",
        "Dataset refreservation, when set.", info.refreservation_bytes, labels,
        out);
  Bytes("replwatch_dataset_volsize_bytes", "Volume size (volumes only).",
        info.volsize_bytes, labels, out);
  Bytes("replwatch_dataset_written_bytes",
        "Bytes written since the dataset's newest snapshot.",
        info.written_bytes, labels, out);
  out.Gauge("replwatch_dataset_resume_token_present",
            "1 if the dataset holds partial zfs receive state (resume token).",
            labels, info.receive_resume_token ? 1 : 0);
  if (info.resume_token_first_seen) {
    out.Gauge("replwatch_dataset_resume_token_first_seen_timestamp_seconds",
              "When replwatch first saw the dataset's current resume token.",
              labels, *info.resume_token_first_seen);
  }
  if (info.encrypted() && info.keystatus) {
    if (*info.keystatus == "available" || *info.keystatus == "unavailable") {
      out.Gauge("replwatch_dataset_key_loaded",
                "1 if the encrypted dataset's key is loaded.", labels,
                *info.keystatus == "available" ? 1 : 0);
    }
  }
}

// Two series per guest volume under an encrypted parent, none elsewhere:
// without an encrypted parent there is nothing the volume should inherit.
void RenderEncryptionDrift(std::optional<EncryptionDrift> drift,
                           const LabelList& labels, MetricSet& out) {
  if (!drift) return;
  static constexpr std::string_view kHelp =
      "1 if a guest volume under an encrypted parent does not inherit its "
      "encryption as PVE 9.2 replication makes it (reason: "
      "unencrypted_under_encrypted_parent or own_encryption_root).";
  LabelList unencrypted = labels;
  unencrypted.emplace_back("reason", "unencrypted_under_encrypted_parent");
  out.Gauge(
      "replwatch_dataset_encryption_drift", kHelp, unencrypted,
      *drift == EncryptionDrift::kUnencryptedUnderEncryptedParent ? 1 : 0);
  LabelList own_root = labels;
  own_root.emplace_back("reason", "own_encryption_root");
  out.Gauge("replwatch_dataset_encryption_drift", kHelp, own_root,
            *drift == EncryptionDrift::kOwnRootUnderEncryptedParent ? 1 : 0);
}

}  // namespace

void DatasetsFacts::Render(const LabelList& node_labels, MetricSet& out) const {
  std::set<std::string> headroom_datasets;
  for (const auto& [name, info] : datasets) {
    if (IsPveVolumeDataset(name)) {
      headroom_datasets.insert(name.substr(0, name.rfind('/')));
    } else if (name.find('/') == std::string::npos) {
      headroom_datasets.insert(name);
    }
  }
  for (const auto& [name, info] : datasets) {
    if (!IsSafeLabelValue(name)) continue;
    LabelList labels = node_labels;
    labels.emplace_back("dataset", name);
    if (IsPveVolumeDataset(name)) {
      RenderGuestVolume(info, labels, out);
      RenderEncryptionDrift(EncryptionDriftOf(name), labels, out);
    } else if (headroom_datasets.count(name) != 0) {
      RenderAvailable(info, labels, out);
    }
    if (name.find('/') != std::string::npos) continue;
    if (const auto slop = PoolSlopBytes(name)) {
      LabelList pool_labels = node_labels;
      pool_labels.emplace_back("pool", name);
      out.Gauge("replwatch_pool_slop_bytes",
                "Estimated pool slop space (1/32 of usable space, 128 MiB to "
                "128 GiB) from the root dataset's used + available.",
                pool_labels, static_cast<double>(*slop));
    }
  }
}

}  // namespace replwatch

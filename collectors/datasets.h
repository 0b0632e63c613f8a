#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "collectors/parsers/zfs_get_parser.h"

namespace replwatch {

/// The replication-relevant properties of one filesystem or volume
/// (`zfs get -Hp`). Values zfs prints as `-` or `none` are absent.
struct DatasetInfo {
  std::string type;  // "filesystem" or "volume"
  std::optional<std::uint64_t> available_bytes;
  std::optional<std::uint64_t> used_bytes;
  /// Limits are absent when not set (`zfs get -p` prints 0 for "none").
  std::optional<std::uint64_t> quota_bytes;
  std::optional<std::uint64_t> refquota_bytes;
  std::optional<std::uint64_t> reservation_bytes;
  std::optional<std::uint64_t> refreservation_bytes;
  std::optional<std::uint64_t> volsize_bytes;  // volumes only
  /// Bytes written since the newest snapshot (all referenced data if none).
  std::optional<std::uint64_t> written_bytes;
  /// Partial `zfs receive -s` state, also of the hidden `<ds>/%recv` child.
  std::optional<std::string> receive_resume_token;
  std::optional<std::string> keystatus;        // "available" / "unavailable"
  std::optional<std::string> encryption;       // "off", "aes-256-gcm", ...
  std::optional<std::string> encryption_root;  // absent when unencrypted
  std::optional<std::uint64_t> guid;
  /// When replwatch first saw the current resume token (epoch seconds).
  std::optional<double> resume_token_first_seen;

  bool encrypted() const { return encryption && *encryption != "off"; }
};

/// How a dataset's encryption stands next to its parent's. Since PVE 9.2
/// (pve-storage 9.1.3) replication sends with `zfs send -RpvU` and receives
/// with `zfs recv -F -x encryption`, so a replica inherits its target
/// parent's encryption: same encryption, the parent's encryption root.
enum class EncryptionDrift {
  kNone,
  /// Not encrypted under an encrypted parent: received from a sender that
  /// does not strip encryption on receive (pve-storage before 9.1.3 on
  /// either side), or made by hand. Its data is at rest in the clear.
  kUnencryptedUnderEncryptedParent,
  /// Encrypted with its own encryption root under an encrypted parent: a
  /// raw (`zfs send -w`) receive, which PVE never does; its key must be
  /// loaded on its own before a failover can start the guest.
  kOwnRootUnderEncryptedParent,
};

/// Every filesystem and volume of one node.
class DatasetsFacts : public Facts {
 public:
  /// The collector these facts come from (ClusterView::Find<DatasetsFacts>).
  static constexpr std::string_view kCollector = "datasets";

  static constexpr std::size_t kMaxDatasets = 20000;

  std::map<std::string, DatasetInfo> datasets;  // by full name

  const DatasetInfo* Find(const std::string& dataset) const;
  /// The nearest ancestor of `dataset` that is listed (not itself), or null.
  const DatasetInfo* NearestListedAncestor(const std::string& dataset) const;
  /// `available` of `dataset`, or, if it does not exist (a replica not yet
  /// created), of its nearest existing ancestor, where it would be written.
  std::optional<std::uint64_t> AvailableFor(const std::string& dataset) const;
  /// Slop space ZFS keeps back on `pool`, estimated from its root dataset:
  /// used + available is the pool's usable space minus slop (= 1/32), so
  /// usable = (used + available) * 32 / 31, and slop is 1/32 of that,
  /// clamped to [128 MiB, 128 GiB] and to at most half the pool (OpenZFS
  /// spa_get_slop_space(); ignores checkpoint and embedded-log space).
  std::optional<std::uint64_t> PoolSlopBytes(const std::string& pool) const;
  /// The drift of `dataset` next to its nearest listed ancestor; nullopt
  /// when either is unknown or the ancestor is not encrypted (nothing to
  /// inherit).
  std::optional<EncryptionDrift> EncryptionDriftOf(
      const std::string& dataset) const;

  void Render(const LabelList& node_labels, MetricSet& out) const override;
};

/// Reads the `zfs get` table (pure; resume_token_first_seen stays unset).
std::shared_ptr<DatasetsFacts> BuildDatasetsFacts(
    const parsers::PropertyTable& properties);

/// Headroom and resume facts of every dataset: one `zfs get` per node and
/// cycle. Remembers when each dataset's resume token was first seen; a
/// dataset whose token is gone or changed starts over.
class DatasetsCollector : public Collector {
 public:
  DatasetsCollector();
  explicit DatasetsCollector(Clock now) : now_(std::move(now)) {}

  std::string_view name() const override { return DatasetsFacts::kCollector; }
  std::shared_ptr<const Facts> Collect(Transport& transport,
                                       const CollectContext& context) override;

  /// The columns of its `zfs list -o`, name first: the allow-listed
  /// command's own `-o` argument.
  static const std::vector<std::string>& Columns();

 private:
  Clock now_;
};

}  // namespace replwatch

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace replwatch {

/// When each filesystem's and volume's snapshots last changed, by dataset:
/// OpenZFS's `snapshots_changed` (>= 2.2), epoch seconds, 0 for "-" (never
/// since the pool was imported without the extensible_dataset feature, or a
/// new clone).
using SnapshotChangeTimes = std::map<std::string, std::int64_t, std::less<>>;

/// Parses `zfs list -Hp -t filesystem,volume -o name,snapshots_changed`.
/// Throws text::ParseError (with the line number) on a malformed line.
SnapshotChangeTimes ParseSnapshotChangeTimes(std::string_view text);

/// What the incremental snapshot inventory remembers of one node between
/// cycles: each dataset's `snapshots_changed` when its snapshots were last
/// listed.
///
/// OpenZFS updates the property on snapshot creation, destruction and
/// rename, so also on receive (which snapshots), `receive -F` and rollback
/// (which destroy); see dsl_dir_snap_cmtime_update() in dsl_dataset.c. It
/// misses one case: `zfs promote` moves snapshots to the promoted clone and
/// updates only the old origin. The periodic full listing catches that.
///
/// A value of 0 ("-") says nothing: a pool without the extensible_dataset
/// feature keeps the time in memory only, so an export and import can set a
/// changed dataset back to 0. Such datasets are listed every cycle (on a
/// PVE node: the pool's root and rpool/data, which have no snapshots).
///
/// The property has whole seconds. A change in the same second as the
/// reading it was compared with leaves the value as it was, so a dataset
/// whose value was not older than the node's clock at that reading is
/// listed again next cycle, whatever its value then.
class SnapshotChangeTracker {
 public:
  /// The datasets of `now` to list again: new ones, changed ones, ones at
  /// 0 and ones whose last reading was ambiguous. Sorted.
  std::vector<std::string> ToRelist(const SnapshotChangeTimes& now) const;

  /// Records that the snapshots of `listed` (every dataset of `times` when
  /// null) were listed after `times` was read, which was after the node's
  /// clock said `clock_before_read` (epoch seconds, cut to whole seconds).
  /// Datasets missing from `times` are forgotten.
  void Listed(const SnapshotChangeTimes& times, std::int64_t clock_before_read,
              const std::vector<std::string>* listed);

  void Forget() { seen_.clear(); }
  bool empty() const { return seen_.empty(); }

 private:
  struct Seen {
    std::int64_t changed = 0;
    bool same_second = false;  // changed >= the clock before the reading
  };
  std::map<std::string, Seen, std::less<>> seen_;
};

}  // namespace replwatch

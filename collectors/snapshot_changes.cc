#include "collectors/snapshot_changes.h"

#include <algorithm>

#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch {

SnapshotChangeTimes ParseSnapshotChangeTimes(std::string_view text) {
  text::RejectNulBytes(text, "zfs list snapshots_changed output");
  SnapshotChangeTimes times;
  std::size_t line_number = 0;
  while (!text.empty()) {
    std::string_view line = text::SplitAt(&text, '\n');
    ++line_number;
    if (line.empty()) continue;
    const std::string_view name = text::SplitAt(&line, '\t');
    const std::string_view value = line;
    if (name.empty() || value.empty() || value.find('\t') != value.npos) {
      throw text::ParseError(
          "expected 2 tab-separated columns (name, snapshots_changed)",
          line_number);
    }
    std::int64_t changed = 0;
    if (value != "-") {
      const auto parsed = text::ParseInt64(value);
      if (!parsed || *parsed < 0) {
        throw text::ParseError("snapshots_changed is not an epoch: '" +
                                   text::Printable(value, 40) + "'",
                               line_number);
      }
      changed = *parsed;
    }
    if (!times.emplace(std::string(name), changed).second) {
      throw text::ParseError(
          "dataset '" + text::Printable(name, 80) + "' listed twice",
          line_number);
    }
  }
  return times;
}

std::vector<std::string> SnapshotChangeTracker::ToRelist(
    const SnapshotChangeTimes& now) const {
  std::vector<std::string> relist;
  for (const auto& [dataset, changed] : now) {
    const auto it = seen_.find(dataset);
    if (changed == 0 || it == seen_.end() || it->second.changed != changed ||
        it->second.same_second) {
      relist.push_back(dataset);
    }
  }
  return relist;  // in map order, so sorted
}

void SnapshotChangeTracker::Listed(const SnapshotChangeTimes& times,
                                   std::int64_t clock_before_read,
                                   const std::vector<std::string>* listed) {
  for (auto it = seen_.begin(); it != seen_.end();) {
    it = times.count(it->first) == 0 ? seen_.erase(it) : std::next(it);
  }
  const auto record = [&](const std::string& dataset, std::int64_t changed) {
    seen_[dataset] = {changed, changed >= clock_before_read};
  };
  if (listed == nullptr) {
    for (const auto& [dataset, changed] : times) record(dataset, changed);
    return;
  }
  for (const std::string& dataset : *listed) {
    const auto it = times.find(dataset);
    if (it != times.end()) record(dataset, it->second);
  }
}

}  // namespace replwatch

#include "analysis/job_headroom.h"

#include <algorithm>

namespace replwatch {

std::optional<JobHeadroom> ComputeJobHeadroom(
    const std::vector<std::string>& volumes, const DatasetsFacts* source,
    const DatasetsFacts* target) {
  if (source == nullptr || target == nullptr || volumes.empty()) {
    return std::nullopt;
  }
  JobHeadroom result;
  std::optional<std::uint64_t> headroom;
  for (const auto& volume : volumes) {
    const DatasetInfo* info = source->Find(volume);
    if (info == nullptr) return std::nullopt;
    const bool full_sync = target->Find(volume) == nullptr;
    const auto& bytes = full_sync ? info->used_bytes : info->written_bytes;
    if (!bytes) return std::nullopt;
    result.pending_bytes += *bytes;
    result.full_sync_volumes += full_sync ? 1 : 0;
    const auto available = target->AvailableFor(volume);
    if (!available) return std::nullopt;
    headroom = std::min(headroom.value_or(*available), *available);
  }
  result.headroom_bytes = *headroom;
  return result;
}

}  // namespace replwatch

#include "collectors/parsers/replication_transfer.h"

#include <string_view>

#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

constexpr std::string_view kTotal = "total estimated size is ";
constexpr std::string_view kEstimate = " estimated size is ";

bool IsStreamEstimate(std::string_view message) {
  return text::StartsWith(message, "full send of ") ||
         text::StartsWith(message, "send from ");
}

bool StartsVolume(std::string_view message) {
  return text::StartsWith(message, "incremental sync '") ||
         text::StartsWith(message, "full sync '");
}

std::uint64_t SizeAt(std::string_view message, std::size_t at) {
  return text::ParseNiceNumber(text::TrimSpace(message.substr(at))).value_or(0);
}

}  // namespace

std::optional<std::uint64_t> EstimatedTransferBytes(const ReplicationLog& log) {
  if (log.outcome != ReplicationRunOutcome::kOk) return std::nullopt;
  // Per volume: "<incremental|full> sync '<volid>' ...", zfs send -v's
  // stream estimates, then its total.
  std::uint64_t bytes = 0, streams = 0;  // streams: the volume's so far
  for (const ReplicationLogEntry& entry : log.entries) {
    const std::string_view message = entry.message;
    if (StartsVolume(message)) {
      bytes += streams;  // a volume before it that printed no total
      streams = 0;
    } else if (text::StartsWith(message, kTotal)) {
      const auto total =
          text::ParseNiceNumber(text::TrimSpace(message.substr(kTotal.size())));
      bytes += total.value_or(streams);
      streams = 0;
    } else if (IsStreamEstimate(message)) {
      const std::size_t at = message.rfind(kEstimate);
      if (at != std::string_view::npos) {
        streams += SizeAt(message, at + kEstimate.size());
      }
    }
  }
  return bytes + streams;
}

}  // namespace replwatch::parsers

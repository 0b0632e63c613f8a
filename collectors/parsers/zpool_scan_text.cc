// Text of the `scan:` (and legacy/error-scrub ` scrub:`) field of
// `zpool status`; formats of print_scan_scrub_resilver_status() and
// secs_to_dhms() in OpenZFS cmd/zpool/zpool_main.c.
#include <string>
#include <vector>

#include "collectors/parsers/zpool_status.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

ScanKind KindOf(std::string_view first_line, bool errorscrub_prefix) {
  if (text::StartsWith(first_line, "thorough ")) first_line.remove_prefix(9);
  if (text::StartsWith(first_line, "error scrub") ||
      (errorscrub_prefix && text::StartsWith(first_line, "scrubbed "))) {
    return ScanKind::kErrorScrub;
  }
  if (text::StartsWith(first_line, "scrub")) return ScanKind::kScrub;
  if (text::StartsWith(first_line, "resilver")) return ScanKind::kResilver;
  return ScanKind::kNone;
}

ScanState StateOf(std::string_view first_line) {
  if (text::Contains(first_line, " in progress")) return ScanState::kInProgress;
  if (text::Contains(first_line, " paused")) return ScanState::kPaused;
  if (text::Contains(first_line, " canceled") ||
      text::Contains(first_line, " cancelled") ||
      text::Contains(first_line, " stopped")) {
    return ScanState::kCanceled;
  }
  return ScanState::kFinished;
}

// The number right before "% done" (", 16.74% done,").
std::optional<double> ProgressOf(std::string_view text, bool* unreadable) {
  const std::size_t done = text.find("% done");
  if (done == std::string_view::npos) return std::nullopt;
  std::size_t begin = done;
  while (begin > 0 && text[begin - 1] != ' ' && text[begin - 1] != '\t' &&
         text[begin - 1] != '\n') {
    --begin;
  }
  const auto percent = text::ParseDecimal(text.substr(begin, done - begin));
  if (!percent || *percent < 0) {
    *unreadable = true;
    return std::nullopt;
  }
  return *percent / 100.0;
}

// "00:19:47", "0 days 00:19:47", "14h7m" (zfs-0.7).
std::optional<std::int64_t> DurationOf(std::string_view text) {
  std::int64_t days = 0;
  if (const std::size_t d = text.find(" days "); d != std::string_view::npos) {
    const auto count = text::ParseUint64(text.substr(0, d));
    if (!count || *count > 100000) return std::nullopt;
    days = static_cast<std::int64_t>(*count);
    text.remove_prefix(d + 6);
  }
  std::string_view rest = text;
  if (const std::size_t h = text.find('h'); h != std::string_view::npos) {
    const auto hours = text::ParseUint64(text.substr(0, h));
    rest = text.substr(h + 1);
    if (!hours || rest.empty() || rest.back() != 'm') return std::nullopt;
    const auto minutes = text::ParseUint64(rest.substr(0, rest.size() - 1));
    if (!minutes || *hours > 1000000 || *minutes > 59) return std::nullopt;
    return static_cast<std::int64_t>(*hours * 3600 + *minutes * 60);
  }
  const auto hours = text::ParseUint64(text::SplitAt(&rest, ':'));
  const auto minutes = text::ParseUint64(text::SplitAt(&rest, ':'));
  const auto seconds = text::ParseUint64(rest);
  if (!hours || !minutes || !seconds || *hours > 1000000 || *minutes > 59 ||
      *seconds > 59) {
    return std::nullopt;
  }
  return days * 86400 +
         static_cast<std::int64_t>(*hours * 3600 + *minutes * 60 + *seconds);
}

}  // namespace

ScanStatus ParseScanText(std::string_view text, bool errorscrub_prefix,
                         std::vector<std::string>* problems) {
  ScanStatus scan;
  std::string_view rest = text;
  const std::string_view first = text::TrimSpace(text::SplitAt(&rest, '\n'));
  if (first == "none requested") return scan;
  scan.kind = KindOf(first, errorscrub_prefix);
  if (scan.kind == ScanKind::kNone) {
    problems->push_back("unrecognized scan line '" + text::Printable(first) +
                        "'");
    return scan;
  }
  scan.state = StateOf(first);
  if (scan.state == ScanState::kFinished ||
      scan.state == ScanState::kCanceled) {
    const std::size_t with = first.find(" with ");
    if (with != std::string_view::npos) {
      std::string_view count = first.substr(with + 6);
      scan.errors = text::ParseUint64(text::NextField(&count));
      if (!scan.errors) problems->push_back("unreadable scan error count");
    }
    const std::size_t in = first.find(" in ");
    if (in != std::string_view::npos && with != std::string_view::npos &&
        in < with) {
      scan.duration_seconds = DurationOf(first.substr(in + 4, with - in - 4));
      if (!scan.duration_seconds) {
        problems->push_back(
            "unreadable scan duration '" +
            text::Printable(first.substr(in + 4, with - in - 4)) + "'");
      }
    }
    const std::size_t on = first.rfind(" on ");
    if (on != std::string_view::npos) {
      scan.end_time_local = ParseCtime(first.substr(on + 4));
      if (!scan.end_time_local) {
        problems->push_back("unreadable scan end time '" +
                            text::Printable(first.substr(on + 4)) + "'");
      }
    }
  } else {
    const std::size_t since = first.find(" since ");
    if (since != std::string_view::npos) {
      scan.start_time_local = ParseCtime(first.substr(since + 7));
    }
    bool unreadable = false;
    scan.progress_ratio = ProgressOf(text, &unreadable);
    if (unreadable) problems->push_back("unreadable scan progress");
  }
  return scan;
}

}  // namespace replwatch::parsers

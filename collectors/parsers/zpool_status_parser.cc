// Text `zpool status`; layout of status_callback() and print_status_config()
// in OpenZFS cmd/zpool/zpool_main.c.
#include <algorithm>
#include <array>
#include <string>

#include "collectors/parsers/zpool_status.h"
#include "collectors/parsers/zpool_status_tree.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

constexpr std::array<std::string_view, 16> kKeys = {
    "pool",   "state",  "status", "reason",     "action", "see",
    "scan",   "scrub",  "remove", "checkpoint", "expand", "condense",
    "config", "errors", "id",     "dedup"};

// "  key: value" (never TAB-led: TAB starts continuations and tree rows).
bool SplitKey(std::string_view line, std::string_view* key,
              std::string_view* value) {
  if (line.empty() || line[0] == '\t') return false;
  const std::string_view trimmed = text::TrimSpace(line);
  const std::size_t colon = trimmed.find(':');
  if (colon == std::string_view::npos) return false;
  if (colon + 1 < trimmed.size() && trimmed[colon + 1] != ' ') return false;
  for (const std::string_view k : kKeys) {
    if (trimmed.substr(0, colon) == k) {
      *key = k;
      *value = text::TrimSpace(trimmed.substr(colon + 1));
      return true;
    }
  }
  return false;
}

class StatusReader {
 public:
  ZpoolStatus Read(std::string_view text) {
    text::LineReader lines(text);
    std::string_view line;
    while (lines.Next(&line)) {
      n_ = lines.line_number();
      Line(line);
    }
    FinishPool();
    return std::move(result_);
  }

 private:
  enum class Section {
    kNone,
    kHeader,
    kConfig,
    kTree,
    kAfterTree,
    kErrorPaths
  };

  void Warn(const std::string& message) {
    result_.warnings.push_back({n_, message});
  }

  void Line(std::string_view line) {
    if (text::TrimSpace(line).empty()) {
      FinishField();
      if (section_ == Section::kTree) section_ = Section::kAfterTree;
      return;
    }
    std::string_view key, value;
    if (SplitKey(line, &key, &value)) return Field(key, value);
    if (pool_ == nullptr) {
      const std::string_view t = text::TrimSpace(line);
      if (t != "no pools available" && t != "all pools are healthy" &&
          !(text::StartsWith(t, "pool '") &&
            text::Contains(t, "' is healthy"))) {
        Warn("text outside any pool: '" + text::Printable(t) + "'");
      }
      return;
    }
    switch (section_) {
      case Section::kConfig:
      case Section::kTree: {
        section_ = Section::kTree;
        std::vector<std::string> problems;
        tree_.Line(line, &pool_->vdevs, &problems);
        for (const std::string& p : problems) Warn(p);
        return;
      }
      case Section::kErrorPaths:
        pool_->permanent_error_paths.emplace_back(text::TrimSpace(line));
        return;
      case Section::kHeader:
        if ((line[0] == '\t' || line[0] == ' ') && continuation_ != nullptr) {
          continuation_->append("\n").append(text::TrimSpace(line));
          return;
        }
        break;
      default:
        break;
    }
    Warn("unrecognized line '" + text::Printable(text::TrimSpace(line)) + "'");
  }

  void Field(std::string_view key, std::string_view value) {
    FinishField();
    if (key == "pool") return StartPool(value);
    if (pool_ == nullptr)
      return Warn("'" + std::string(key) + ":' before any pool");
    section_ = Section::kHeader;
    continuation_ = &ignored_;
    if (key == "state") {
      pool_->state = std::string(value);
    } else if (key == "status" || key == "reason") {
      pool_->status = std::string(value);
      continuation_ = &pool_->status;
    } else if (key == "action") {
      pool_->action = std::string(value);
      continuation_ = &pool_->action;
    } else if (key == "see") {
      pool_->msgid = std::string(value.substr(value.rfind('/') + 1));
    } else if (key == "scan" || key == "scrub") {
      scan_text_ = std::string(value);
      scan_errorscrub_ = key == "scrub";
      scan_pending_ = true;
      continuation_ = &scan_text_;
    } else if (key == "config") {
      section_ = Section::kConfig;
      tree_ = VdevTreeReader();
    } else if (key == "errors") {
      Errors(value);
    }
  }

  void Errors(std::string_view value) {
    section_ = Section::kAfterTree;
    if (value == "No known data errors") {
      pool_->data_errors = pool_->data_errors.value_or(0);
    } else if (text::StartsWith(value, "Permanent errors have been detected")) {
      section_ = Section::kErrorPaths;
    } else if (text::StartsWith(value, "List of errors unavailable")) {
      pool_->error_list_unavailable = true;
    } else {
      std::string_view rest = value;
      const auto count = text::ParseUint64(text::NextField(&rest));
      if (count && text::StartsWith(text::TrimSpace(rest), "data error")) {
        pool_->data_errors = std::max(pool_->data_errors.value_or(0), *count);
      } else {
        Warn("unrecognized errors: line '" + text::Printable(value) + "'");
      }
    }
  }

  void FinishField() {
    continuation_ = nullptr;
    if (!scan_pending_) return;
    scan_pending_ = false;
    std::vector<std::string> problems;
    const ScanStatus scan =
        ParseScanText(scan_text_, scan_errorscrub_, &problems);
    for (const std::string& p : problems) Warn(p);
    const bool active = scan.state == ScanState::kInProgress ||
                        scan.state == ScanState::kPaused;
    const bool had_active = pool_->scan.state == ScanState::kInProgress ||
                            pool_->scan.state == ScanState::kPaused;
    if (pool_->scan.kind == ScanKind::kNone || (active && !had_active))
      pool_->scan = scan;
  }

  void StartPool(std::string_view name) {
    FinishPool();
    result_.pools.emplace_back();
    pool_ = &result_.pools.back();
    pool_->name = std::string(name);
    section_ = Section::kHeader;
  }

  void FinishPool() {
    FinishField();
    if (pool_ != nullptr && !pool_->permanent_error_paths.empty()) {
      pool_->data_errors = std::max<std::uint64_t>(
          pool_->data_errors.value_or(0), pool_->permanent_error_paths.size());
    }
  }

  ZpoolStatus result_;
  PoolStatus* pool_ = nullptr;  // result_.pools.back() while reading it
  Section section_ = Section::kNone;
  std::string* continuation_ = nullptr;
  std::string ignored_;
  std::string scan_text_;
  bool scan_errorscrub_ = false;
  bool scan_pending_ = false;
  VdevTreeReader tree_;
  std::size_t n_ = 0;
};

}  // namespace

ZpoolStatus ParseZpoolStatus(std::string_view text) {
  text::RejectNulBytes(text, "zpool status");
  ZpoolStatus status = StatusReader().Read(text);
  if (status.pools.empty() && !status.warnings.empty()) {
    throw text::ParseError("zpool status: no pool found in the output");
  }
  return status;
}

}  // namespace replwatch::parsers

// `zpool status -j` (OpenZFS 2.3+); keys as zpool_do_status() and
// zpool_json_schema() in cmd/zpool/zpool_main.c write them. Numbers may
// be JSON integers (--json-int), exact strings (-p) or nicenum strings.
#include <string>

#include "collectors/parsers/zpool_status.h"
#include "text/json.h"
#include "text/text_scan.h"
#include "text/value_bounds.h"

namespace replwatch::parsers {
namespace {

constexpr int kMaxVdevDepth = 16;

std::string StringOr(const text::JsonValue* v, std::string fallback) {
  return v != nullptr && v->is_string() ? v->AsString() : fallback;
}

// A count: integer, numeric string, or nicenum string ("1.46K").
std::optional<std::uint64_t> Count(const text::JsonValue* v,
                                   bool* approximate) {
  if (const auto exact = text::NumberOrNumericStringUint64(v)) return exact;
  if (v == nullptr || !v->is_string()) return std::nullopt;
  const auto nice = text::ParseNiceNumber(v->AsString());
  if (nice) *approximate = true;
  return nice;
}

// JSON reports raw vdev_state_t names; text reports zpool_state_to_name().
std::string TextState(const std::string& raw) {
  if (raw == "HEALTHY") return "ONLINE";
  if (raw == "CANT_OPEN") return "UNAVAIL";
  if (raw == "CLOSED") return "OFFLINE";
  return raw;
}

class JsonStatusReader {
 public:
  explicit JsonStatusReader(ZpoolStatus* out) : out_(out) {}

  void Pool(const std::string& key, const text::JsonValue& p) {
    if (!p.is_object())
      return Warn("pool '" + text::Printable(key) + "' is not an object");
    PoolStatus pool;
    pool.name = StringOr(p.Find("name"), key);
    pool.state = StringOr(p.Find("state"), "");
    pool.status = StringOr(p.Find("status"), "");
    pool.action = StringOr(p.Find("action"), "");
    pool.msgid = StringOr(p.Find("msgid"), "");
    if (const text::JsonValue* scan = p.Find("scan_stats"))
      pool.scan = Scan(*scan);
    if (const text::JsonValue* vdevs = p.Find("vdevs");
        vdevs && vdevs->is_object()) {
      for (const auto& [name, vdev] : vdevs->AsObject()) {
        Vdevs(name, vdev, 0, VdevGroup::kData, &pool);
      }
    }
    const std::pair<const char*, VdevGroup> groups[] = {
        {"dedup", VdevGroup::kDedup},
        {"special", VdevGroup::kSpecial},
        {"logs", VdevGroup::kLogs},
        {"l2cache", VdevGroup::kCache},
        {"spares", VdevGroup::kSpares}};
    for (const auto& [group_key, group] : groups) {
      const text::JsonValue* members = p.Find(group_key);
      if (members == nullptr || !members->is_object()) continue;
      for (const auto& [name, vdev] : members->AsObject()) {
        Vdevs(name, vdev, 1, group, &pool);
      }
    }
    bool approximate = false;
    pool.data_errors = Count(p.Find("error_count"), &approximate);
    if (const text::JsonValue* errlist = p.Find("errlist");
        errlist && errlist->is_array()) {
      for (const text::JsonValue& path : errlist->AsArray()) {
        if (path.is_string())
          pool.permanent_error_paths.push_back(path.AsString());
      }
    }
    out_->pools.push_back(std::move(pool));
  }

 private:
  void Warn(const std::string& message) {
    out_->warnings.push_back({0, message});
  }

  ScanStatus Scan(const text::JsonValue& s) {
    ScanStatus scan;
    const std::string function = StringOr(s.Find("function"), "NONE");
    const std::string state = StringOr(s.Find("state"), "NONE");
    if (function == "SCRUB") scan.kind = ScanKind::kScrub;
    if (function == "RESILVER") scan.kind = ScanKind::kResilver;
    if (function == "ERRORSCRUB") scan.kind = ScanKind::kErrorScrub;
    if (state == "SCANNING" || state == "ERRORSCRUBBING")
      scan.state = ScanState::kInProgress;
    if (state == "FINISHED") scan.state = ScanState::kFinished;
    if (state == "CANCELED") scan.state = ScanState::kCanceled;
    const auto paused =
        text::NumberOrNumericStringUint64(s.Find("scrub_pause"));
    if (scan.state == ScanState::kInProgress && paused && *paused != 0) {
      scan.state = ScanState::kPaused;
    }
    bool approximate = false;
    scan.errors = Count(s.Find("errors"), &approximate);
    const auto start = text::NumberOrNumericStringInt64(s.Find("start_time"));
    if (start && text::IsPlausibleEpoch(static_cast<double>(*start))) {
      scan.start_time_epoch = start;
    }
    if (scan.state == ScanState::kFinished ||
        scan.state == ScanState::kCanceled) {
      scan.end_time_epoch =
          text::NumberOrNumericStringInt64(s.Find("end_time"));
      if (scan.end_time_epoch &&
          !text::IsPlausibleEpoch(static_cast<double>(*scan.end_time_epoch))) {
        Warn("scan end time " + std::to_string(*scan.end_time_epoch) +
             " is not a plausible epoch, ignored");
        scan.end_time_epoch.reset();
      }
      if (scan.start_time_epoch && scan.end_time_epoch &&
          *scan.end_time_epoch >= *scan.start_time_epoch) {
        scan.duration_seconds = *scan.end_time_epoch - *scan.start_time_epoch;
      }
    } else {
      const auto to_examine = Count(s.Find("to_examine"), &approximate);
      const auto skipped = Count(s.Find("skipped"), &approximate).value_or(0);
      const auto issued = Count(s.Find("issued"), &approximate);
      if (to_examine && issued && *to_examine > skipped) {
        scan.progress_ratio = static_cast<double>(*issued) /
                              static_cast<double>(*to_examine - skipped);
      }
    }
    return scan;
  }

  void Vdevs(const std::string& key, const text::JsonValue& v, int depth,
             VdevGroup group, PoolStatus* pool) {
    if (!v.is_object())
      return Warn("vdev '" + text::Printable(key) + "' is not an object");
    if (depth > kMaxVdevDepth) return Warn("vdev tree too deep");
    Vdev vdev;
    vdev.name = StringOr(v.Find("name"), key);
    vdev.depth = depth;
    vdev.group = group;
    vdev.state = TextState(StringOr(v.Find("state"), ""));
    const auto read = Count(v.Find("read_errors"), &vdev.counters_approximate);
    const auto write =
        Count(v.Find("write_errors"), &vdev.counters_approximate);
    const auto cksum =
        Count(v.Find("checksum_errors"), &vdev.counters_approximate);
    vdev.has_counters = read && write && cksum;
    if (vdev.has_counters) {
      vdev.read_errors = *read, vdev.write_errors = *write,
      vdev.checksum_errors = *cksum;
    }
    if (const text::JsonValue* was = v.Find("was"); was && was->is_string()) {
      vdev.annotation = "was " + was->AsString();
    } else {
      vdev.annotation = StringOr(v.Find("aux"), "");
    }
    pool->vdevs.push_back(std::move(vdev));
    if (const text::JsonValue* children = v.Find("vdevs");
        children && children->is_object()) {
      for (const auto& [name, child] : children->AsObject()) {
        Vdevs(name, child, depth + 1, group, pool);
      }
    }
  }

  ZpoolStatus* out_;
};

}  // namespace

ZpoolStatus ParseZpoolStatusJson(std::string_view json) {
  const text::JsonValue doc = text::ParseJson(json);
  const text::JsonValue* pools = doc.Find("pools");
  if (pools == nullptr || !pools->is_object()) {
    throw text::ParseError("zpool status JSON: no \"pools\" object");
  }
  ZpoolStatus status;
  JsonStatusReader reader(&status);
  for (const auto& [key, pool] : pools->AsObject()) reader.Pool(key, pool);
  return status;
}

}  // namespace replwatch::parsers

#include "collectors/parsers/replication_state_parser.h"

#include "text/json.h"
#include "text/text_scan.h"
#include "text/value_bounds.h"

namespace replwatch::parsers {
namespace {

// Reads the fields of one entry; a bad value is a warning naming the entry.
class EntryReader {
 public:
  EntryReader(const text::JsonValue& entry, std::string where,
              text::ParseWarnings* warnings)
      : entry_(entry), where_(std::move(where)), warnings_(warnings) {}

  void Warn(const std::string& message) {
    warnings_->push_back({0, where_ + ": " + message});
  }

  std::optional<std::string> String(const char* key) {
    const text::JsonValue* v = entry_.Find(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (v->is_string()) return v->AsString();
    Warn(std::string("field '") + key + "' is not a string");
    return std::nullopt;
  }

  // Perl's JSON writes a number read from text as a string: both are taken.
  template <typename T, typename Reader>
  std::optional<T> Number(const char* key, Reader reader) {
    const text::JsonValue* v = entry_.Find(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    std::optional<T> parsed = reader(v);
    if (!parsed) Warn(std::string("field '") + key + "' is not a valid number");
    return parsed;
  }
  std::optional<std::int64_t> Int(const char* key) {
    return Number<std::int64_t>(key, text::NumberOrNumericStringInt64);
  }
  std::optional<std::uint64_t> Uint(const char* key) {
    return Number<std::uint64_t>(key, text::NumberOrNumericStringUint64);
  }
  // An epoch; 0 (PVE's "never") when absent or implausible.
  std::int64_t Epoch(const char* key) {
    const auto value = Int(key);
    if (!value) return 0;
    if (text::IsPlausibleEpoch(static_cast<double>(*value))) return *value;
    Warn(std::string("field '") + key +
         "' is not a plausible epoch: " + std::to_string(*value));
    return 0;
  }
  std::optional<double> Duration(const char* key) {
    const auto value = Number<double>(key, text::NumberOrNumericStringDouble);
    if (!value || text::IsPlausibleDuration(*value)) return value;
    Warn(std::string("field '") + key + "' is not a plausible duration");
    return std::nullopt;
  }

 private:
  const text::JsonValue& entry_;
  std::string where_;
  text::ParseWarnings* warnings_;
};

ReplicationRunState ReadEntry(const text::JsonValue& value, std::string where,
                              text::ParseWarnings* warnings) {
  EntryReader r(value, std::move(where), warnings);
  ReplicationRunState state;
  state.last_sync = r.Epoch("last_sync");
  state.last_try = r.Epoch("last_try");
  state.fail_count = r.Uint("fail_count").value_or(0);
  state.duration_seconds = r.Duration("duration");
  state.error = r.String("error");
  state.pid = r.Int("pid");
  if (state.pid && *state.pid <= 0) {
    r.Warn("field 'pid' is not a process id");
    state.pid.reset();
  }
  state.ptime = r.Uint("ptime");
  return state;
}

}  // namespace

const ReplicationRunState* ReplicationStateFile::Find(
    std::uint64_t guest, const std::string& target_node) const {
  const auto of_guest = guests.find(guest);
  if (of_guest == guests.end()) return nullptr;
  const auto found = of_guest->second.find("local/" + target_node);
  return found == of_guest->second.end() ? nullptr : &found->second;
}

ReplicationStateFile ParseReplicationState(std::string_view json) {
  ReplicationStateFile file;
  if (json.empty()) return file;
  const text::JsonValue doc = text::ParseJson(json);
  if (!doc.is_object()) {
    throw text::ParseError("replication state: expected a JSON object");
  }
  for (const auto& [guest_key, targets] : doc.AsObject()) {
    const auto guest = text::ParseUint64(guest_key);
    if (!guest) {
      file.warnings.push_back({0, "key '" + text::Printable(guest_key) +
                                      "' is not a VMID, skipped"});
      continue;
    }
    if (!targets.is_object()) {
      file.warnings.push_back(
          {0, "guest " + std::string(guest_key) + ": not an object, skipped"});
      continue;
    }
    for (const auto& [target_id, entry] : targets.AsObject()) {
      const std::string where =
          "guest " + std::string(guest_key) + " " + text::Printable(target_id);
      if (!entry.is_object()) {
        file.warnings.push_back({0, where + ": not an object, skipped"});
        continue;
      }
      file.guests[*guest][std::string(target_id)] =
          ReadEntry(entry, where, &file.warnings);
    }
  }
  return file;
}

}  // namespace replwatch::parsers

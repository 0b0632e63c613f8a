#include "collectors/parsers/pvesh_replication_parser.h"

#include "text/json.h"
#include "text/text_scan.h"
#include "text/value_bounds.h"

namespace replwatch::parsers {
namespace {

class JobReader {
 public:
  JobReader(const text::JsonValue& job, std::size_t index,
            text::ParseWarnings* warnings)
      : job_(job), index_(index), warnings_(warnings) {}

  void Warn(const std::string& message) {
    warnings_->push_back(
        {0, "job #" + std::to_string(index_) + ": " + message});
  }

  std::optional<std::string> String(const char* key) {
    const text::JsonValue* v = job_.Find(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (v->is_string()) return v->AsString();
    Warn(std::string("field '") + key + "' is not a string");
    return std::nullopt;
  }

  template <typename T, typename Reader>
  std::optional<T> Number(const char* key, Reader reader) {
    const text::JsonValue* v = job_.Find(key);
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
  std::optional<double> Double(const char* key) {
    return Number<double>(key, text::NumberOrNumericStringDouble);
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
    const auto value = Double(key);
    if (!value || text::IsPlausibleDuration(*value)) return value;
    Warn(std::string("field '") + key + "' is not a plausible duration");
    return std::nullopt;
  }

  bool Flag(const char* key) {
    const text::JsonValue* v = job_.Find(key);
    if (v == nullptr || v->is_null()) return false;
    if (v->is_bool()) return v->AsBool();
    if (const auto n = text::NumberOrNumericStringInt64(v)) return *n != 0;
    Warn(std::string("field '") + key + "' is not a boolean");
    return false;
  }

 private:
  const text::JsonValue& job_;
  std::size_t index_;
  text::ParseWarnings* warnings_;
};

std::optional<ReplicationJobState> ReadJob(const text::JsonValue& value,
                                           std::size_t index,
                                           text::ParseWarnings* warnings) {
  JobReader r(value, index, warnings);
  if (!value.is_object()) {
    r.Warn("not a JSON object, skipped");
    return std::nullopt;
  }
  ReplicationJobState job;
  job.id = r.String("id").value_or("");
  const auto id = ParseReplicationJobId(job.id);
  if (!id) {
    r.Warn("missing or malformed id '" + text::Printable(job.id) +
           "', skipped");
    return std::nullopt;
  }
  job.guest = r.Uint("guest").value_or(id->first);
  job.jobnum = r.Uint("jobnum").value_or(id->second);
  if (job.guest != id->first || job.jobnum != id->second) {
    r.Warn("guest/jobnum disagree with id " + job.id + "; using the id");
    job.guest = id->first;
    job.jobnum = id->second;
  }
  job.type = r.String("type").value_or("local");
  job.target = r.String("target").value_or("");
  if (job.target.empty()) r.Warn("job " + job.id + " has no target");
  job.source = r.String("source").value_or("");
  job.vmtype = r.String("vmtype").value_or("");
  if (auto schedule = r.String("schedule")) {
    job.schedule = std::move(*schedule);
    job.schedule_is_default = false;
  }
  job.rate_mbps = r.Double("rate");
  job.comment = r.String("comment").value_or("");
  job.disabled = r.Flag("disable");
  job.remove_job = r.String("remove_job").value_or("");
  job.next_sync = r.Epoch("next_sync");
  job.last_sync = r.Epoch("last_sync");
  job.last_try = r.Epoch("last_try");
  job.fail_count = r.Uint("fail_count").value_or(0);
  job.duration_seconds = r.Duration("duration");
  job.error = r.String("error");
  job.pid = r.Int("pid");
  return job;
}

}  // namespace

std::optional<std::pair<std::uint64_t, std::uint64_t>> ParseReplicationJobId(
    std::string_view id) {
  const std::size_t dash = id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto guest = text::ParseUint64(id.substr(0, dash));
  const auto jobnum = text::ParseUint64(id.substr(dash + 1));
  if (!guest || !jobnum) return std::nullopt;
  return std::make_pair(*guest, *jobnum);
}

ReplicationStatus ParsePveshReplication(std::string_view json) {
  const text::JsonValue doc = text::ParseJson(json);
  if (!doc.is_array()) {
    throw text::ParseError("replication status: expected a JSON array of jobs");
  }
  ReplicationStatus status;
  std::size_t index = 0;
  for (const text::JsonValue& item : doc.AsArray()) {
    if (auto job = ReadJob(item, index++, &status.warnings)) {
      status.jobs.push_back(std::move(*job));
    }
  }
  return status;
}

}  // namespace replwatch::parsers

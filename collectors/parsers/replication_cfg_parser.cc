#include "collectors/parsers/replication_cfg_parser.h"

#include <set>
#include <utility>

#include "collectors/parsers/section_config.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The section's job, or nullopt (with a warning) when its header is not a
// job's: `<type>: <guest>-<jobnum>`, guest 100 or more.
std::optional<ReplicationJobConfig> JobHeader(const ConfigSection& section,
                                              text::ParseWarnings* warnings) {
  const auto id = ParseReplicationJobId(section.id);
  if (!id) {
    warnings->Add(section.line, "replication.cfg: invalid job id '" +
                                    text::Printable(section.id) + "'");
    return std::nullopt;
  }
  if (id->first < 100) {
    warnings->Add(section.line, "invalid job id '" +
                                    text::Printable(section.id) +
                                    "' (guest IDs < 100 are reserved)");
    return std::nullopt;
  }
  ReplicationJobConfig job;
  job.type = section.type;
  job.guest = id->first;
  job.jobnum = id->second;
  job.id = std::to_string(id->first) + "-" + std::to_string(id->second);
  job.line = section.line;
  if (job.type != "local") {
    warnings->Add(section.line,
                  "unknown section type '" + text::Printable(job.type) + "'");
  }
  return job;
}

void ReadOption(const ConfigOption& option, ReplicationJobConfig* job,
                text::ParseWarnings* warnings) {
  const std::string& key = option.key;
  const std::string& value = option.value;
  if (key == "disable") {
    job->disabled = value.empty() || value != "0";
  } else if (key == "target") {
    job->target = value;
  } else if (key == "schedule") {
    job->schedule = value;
  } else if (key == "rate") {
    job->rate_mbps = text::ParseDecimal(value);
    if (!job->rate_mbps) {
      warnings->Add(option.line,
                    "invalid rate '" + text::Printable(value) + "'");
    }
  } else if (key == "comment") {
    job->comment = DecodeUriEscapes(value);
  } else if (key == "remove_job") {
    job->remove_job = value;
  } else if (key == "source") {
    job->source = value;
  } else {
    warnings->Add(option.line, "job " + job->id + ": unknown option '" +
                                   text::Printable(key) + "'");
    job->unknown_options[key] = value;
  }
}

}  // namespace

std::string DecodeUriEscapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
        HexDigit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(text[i + 1]) * 16 +
                                      HexDigit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

ReplicationConfig ParseReplicationConfig(std::string_view text) {
  ReplicationConfig config;
  std::set<std::string> ids;
  std::set<std::pair<std::uint64_t, std::string>> pairs;
  for (const ConfigSection& section :
       ParseSectionConfig(text, "replication.cfg", &config.warnings)) {
    std::optional<ReplicationJobConfig> job =
        JobHeader(section, &config.warnings);
    if (!job) continue;
    for (const ConfigOption& option : section.options) {
      ReadOption(option, &*job, &config.warnings);
    }
    if (job->target.empty()) {
      config.warnings.Add(job->line, "job " + job->id + " has no target");
    }
    if (!ids.insert(job->id).second) {
      config.warnings.Add(job->line, "duplicate job " + job->id + " ignored");
      continue;
    }
    if (!job->target.empty() &&
        !pairs.emplace(job->guest, job->target).second) {
      config.warnings.Add(
          job->line, "delete job " + job->id + ": replication job for guest '" +
                         std::to_string(job->guest) + "' to target '" +
                         job->target + "' already exists");
      continue;
    }
    config.jobs.push_back(std::move(*job));
  }
  return config;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> ParseReplicationJobId(
    std::string_view id) {
  const std::size_t dash = id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto guest = text::ParseUint64(id.substr(0, dash));
  const auto jobnum = text::ParseUint64(id.substr(dash + 1));
  if (!guest || !jobnum) return std::nullopt;
  return std::make_pair(*guest, *jobnum);
}

}  // namespace replwatch::parsers

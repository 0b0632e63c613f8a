#include "collectors/parsers/vzdump_jobs_parser.h"

#include <optional>
#include <utility>

#include "collectors/parsers/section_config.h"
#include "text/name_rules.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

// PVE's `pve-vmid-list`: guest ids separated by ',', ';' or spaces.
std::optional<std::set<std::uint64_t>> ParseVmidList(std::string_view text) {
  std::set<std::uint64_t> ids;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t end = rest.find_first_of(",; \t");
    const std::string_view item = rest.substr(0, end);
    rest = end == std::string_view::npos ? "" : rest.substr(end + 1);
    if (item.empty()) continue;
    const auto id = text::ParseUint64(item);
    if (!id || *id < 100) return std::nullopt;
    ids.insert(*id);
  }
  return ids;
}

void ReadOption(const ConfigOption& option, VzdumpJob* job,
                text::ParseWarnings* warnings) {
  const std::string& key = option.key;
  const std::string& value = option.value;
  if (key == "schedule") {
    job->schedule = value;
  } else if (key == "enabled") {
    job->enabled = value != "0";
  } else if (key == "node") {
    if (text::IsValidNodeName(value)) {
      job->node = value;
    } else {
      warnings->Add(option.line, "job " + job->id + ": invalid node '" +
                                     text::Printable(value) + "'");
    }
  } else if (key == "all") {
    job->all = value == "1";
  } else if (key == "vmid" || key == "exclude") {
    const auto ids = ParseVmidList(value);
    if (!ids) {
      warnings->Add(option.line, "job " + job->id + ": invalid " + key +
                                     " list '" + text::Printable(value) + "'");
    } else {
      (key == "vmid" ? job->vmids : job->exclude) = *ids;
    }
  } else if (key == "pool") {
    job->pool = value;
  }
}

}  // namespace

bool VzdumpJob::Covers(std::uint64_t guest) const {
  if (exclude.count(guest)) return false;
  return all || !pool.empty() || vmids.count(guest) > 0;
}

VzdumpJobs ParseVzdumpJobs(std::string_view text) {
  VzdumpJobs out;
  for (const ConfigSection& section :
       ParseSectionConfig(text, "jobs.cfg", &out.warnings)) {
    // Other job types (realm-sync) share the file; only backups matter.
    if (section.type != "vzdump") continue;
    if (!text::IsPrintableToken(section.id, 64)) {
      out.warnings.Add(section.line, "jobs.cfg: invalid job id '" +
                                         text::Printable(section.id) + "'");
      continue;
    }
    VzdumpJob job;
    job.id = section.id;
    job.line = section.line;
    for (const ConfigOption& option : section.options) {
      ReadOption(option, &job, &out.warnings);
    }
    if (job.schedule.empty()) {
      out.warnings.Add(job.line, "job " + job.id + " has no schedule");
      continue;
    }
    out.jobs.push_back(std::move(job));
  }
  return out;
}

}  // namespace replwatch::parsers

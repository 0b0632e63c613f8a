#include "collectors/parsers/vzdump_jobs_parser.h"

#include <optional>
#include <utility>

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

class JobsReader {
 public:
  VzdumpJobs Read(std::string_view text) {
    text::LineReader lines(text);
    std::string_view line;
    while (lines.Next(&line)) {
      n_ = lines.line_number();
      if (text::TrimSpace(line).empty() || line.front() == '#') continue;
      if (line.front() == ' ' || line.front() == '\t') {
        if (current_) Option(text::TrimSpace(line));
        continue;
      }
      Finish();
      Header(line);
    }
    Finish();
    return std::move(out_);
  }

 private:
  void Warn(std::string message) {
    out_.warnings.push_back({n_, std::move(message)});
  }

  void Header(std::string_view line) {
    std::string_view id = line;
    const std::string_view type = text::SplitAt(&id, ':');
    id = text::TrimSpace(id);
    if (type != "vzdump") {
      // Other job types (realm-sync) share the file; only backups matter.
      if (id.empty()) {
        Warn("unable to parse section header '" + text::Printable(line) + "'");
      }
      return;
    }
    if (id.empty() || !text::IsPrintableToken(id, 64)) {
      Warn("unable to parse section header '" + text::Printable(line) + "'");
      return;
    }
    current_ = VzdumpJob{};
    current_->id = std::string(id);
    current_->line = n_;
  }

  void Option(std::string_view line) {
    std::string_view value = line;
    const std::string_view key = text::NextField(&value);
    value = text::TrimSpace(value);
    VzdumpJob& job = *current_;
    if (key == "schedule") {
      job.schedule = std::string(value);
    } else if (key == "enabled") {
      job.enabled = value != "0";
    } else if (key == "node") {
      if (text::IsValidNodeName(value)) {
        job.node = std::string(value);
      } else {
        Warn("job " + job.id + ": invalid node '" + text::Printable(value) +
             "'");
      }
    } else if (key == "all") {
      job.all = value == "1";
    } else if (key == "vmid" || key == "exclude") {
      const auto ids = ParseVmidList(value);
      if (!ids) {
        Warn("job " + job.id + ": invalid " + std::string(key) + " list '" +
             text::Printable(value) + "'");
      } else {
        (key == "vmid" ? job.vmids : job.exclude) = *ids;
      }
    } else if (key == "pool") {
      job.pool = std::string(value);
    }
  }

  void Finish() {
    if (!current_) return;
    VzdumpJob job = std::move(*current_);
    current_.reset();
    if (job.schedule.empty()) {
      out_.warnings.push_back({job.line, "job " + job.id + " has no schedule"});
      return;
    }
    out_.jobs.push_back(std::move(job));
  }

  VzdumpJobs out_;
  std::optional<VzdumpJob> current_;
  std::size_t n_ = 0;
};

}  // namespace

bool VzdumpJob::Covers(std::uint64_t guest) const {
  if (exclude.count(guest)) return false;
  return all || !pool.empty() || vmids.count(guest) > 0;
}

VzdumpJobs ParseVzdumpJobs(std::string_view text) {
  text::RejectNulBytes(text, "jobs.cfg");
  return JobsReader().Read(text);
}

}  // namespace replwatch::parsers

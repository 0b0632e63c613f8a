#include "collectors/parsers/replication_cfg_parser.h"

#include <set>
#include <utility>

#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class ConfigReader {
 public:
  ReplicationConfig Read(std::string_view text) {
    text::LineReader lines(text);
    std::string_view line;
    bool in_section = false;  // false also while skipping a bad section
    while (lines.Next(&line)) {
      n_ = lines.line_number();
      if (text::TrimSpace(line).empty()) {
        Finish();
        in_section = false;
        continue;
      }
      if (line.front() == '#') continue;
      if (line.front() != ' ' && line.front() != '\t') {
        Finish();
        in_section = StartSection(line);
        continue;
      }
      if (in_section) Option(text::TrimSpace(line));
    }
    Finish();
    return std::move(config_);
  }

 private:
  void Warn(const std::string& message) {
    config_.warnings.push_back({n_, message});
  }

  bool StartSection(std::string_view line) {
    if (line.find(':') == std::string_view::npos) {
      Warn("unable to parse section header '" + text::Printable(line) + "'");
      return false;
    }
    std::string_view rest = line;
    const std::string_view type = text::SplitAt(&rest, ':');
    const std::string_view id_text = text::TrimSpace(rest);
    const auto id = ParseReplicationJobId(id_text);
    if (type.empty() || !id ||
        type.find_first_of(" \t") != std::string_view::npos) {
      Warn("unable to parse section header '" + text::Printable(line) + "'");
      return false;
    }
    if (id->first < 100) {
      Warn("invalid job id '" + text::Printable(id_text) +
           "' (guest IDs < 100 are reserved)");
      return false;
    }
    current_ = ReplicationJobConfig{};
    current_->type = std::string(type);
    current_->guest = id->first;
    current_->jobnum = id->second;
    current_->id = std::to_string(id->first) + "-" + std::to_string(id->second);
    current_->line = n_;
    if (type != "local")
      Warn("unknown section type '" + text::Printable(type) + "'");
    return true;
  }

  void Option(std::string_view line) {
    std::string_view value = line;
    const std::string_view key = text::NextField(&value);
    value = text::TrimSpace(value);
    ReplicationJobConfig& job = *current_;
    if (key == "disable") {
      job.disabled = value.empty() || value != "0";
    } else if (key == "target") {
      job.target = std::string(value);
    } else if (key == "schedule") {
      job.schedule = std::string(value);
    } else if (key == "rate") {
      job.rate_mbps = text::ParseDecimal(value);
      if (!job.rate_mbps) Warn("invalid rate '" + text::Printable(value) + "'");
    } else if (key == "comment") {
      job.comment = DecodeUriEscapes(value);
    } else if (key == "remove_job") {
      job.remove_job = std::string(value);
    } else if (key == "source") {
      job.source = std::string(value);
    } else {
      Warn("job " + job.id + ": unknown option '" + text::Printable(key) + "'");
      job.unknown_options[std::string(key)] = std::string(value);
    }
  }

  void Finish() {
    if (!current_) return;
    ReplicationJobConfig job = std::move(*current_);
    current_.reset();
    if (job.target.empty()) {
      config_.warnings.push_back(
          {job.line, "job " + job.id + " has no target"});
    }
    if (!ids_.insert(job.id).second) {
      config_.warnings.push_back(
          {job.line, "duplicate job " + job.id + " ignored"});
      return;
    }
    if (!job.target.empty() && !pairs_.emplace(job.guest, job.target).second) {
      config_.warnings.push_back(
          {job.line, "delete job " + job.id + ": replication job for guest '" +
                         std::to_string(job.guest) + "' to target '" +
                         job.target + "' already exists"});
      return;
    }
    config_.jobs.push_back(std::move(job));
  }

  ReplicationConfig config_;
  std::optional<ReplicationJobConfig> current_;
  std::set<std::string> ids_;
  std::set<std::pair<std::uint64_t, std::string>> pairs_;
  std::size_t n_ = 0;
};

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
  text::RejectNulBytes(text, "replication.cfg");
  return ConfigReader().Read(text);
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

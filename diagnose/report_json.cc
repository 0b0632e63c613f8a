#include <cstdio>
#include <string>

#include "diagnose/diagnosis.h"

namespace replwatch::diagnose {
namespace {

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string Field(const char* name, const std::string& value) {
  return Quote(name) + ":" + Quote(value);
}

std::string Checks(const std::vector<Check>& checks) {
  std::string out = "[";
  for (const auto& check : checks) {
    if (out.size() > 1) out += ",";
    out += "{" + Field("name", check.name) + "," +
           Field("status", SeverityName(check.severity)) + "," +
           Field("detail", check.detail) + "," + Field("alert", check.alert) +
           "}";
  }
  return out + "]";
}

std::string Strings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& value : values) {
    if (out.size() > 1) out += ",";
    out += Quote(value);
  }
  return out + "]";
}

const char* PlanId(Plan plan) {
  switch (plan) {
    case Plan::kRepairChain:
      return "repair_chain";
    case Plan::kReseed:
      return "reseed";
    case Plan::kNone:
      break;
  }
  return "none";
}

}  // namespace

std::string RenderJson(const Report& report) {
  std::string out =
      "{" + Field("status", SeverityName(report.severity)) +
      ",\"exit_code\":" + std::to_string(static_cast<int>(report.severity)) +
      ",\"unreachable\":[";
  for (std::size_t i = 0; i < report.unreachable.size(); ++i) {
    const auto& node = report.unreachable[i];
    out += (i ? "," : "") + std::string("{") +
           Field("pve_cluster", node.cluster) + "," + Field("node", node.node) +
           "," + Field("error", node.error) + "}";
  }
  out += "],\"jobs\":[";
  for (std::size_t i = 0; i < report.jobs.size(); ++i) {
    const auto& job = report.jobs[i];
    out += (i ? "," : "") + std::string("{") +
           Field("pve_cluster", job.cluster) + "," +
           Field("job_id", job.job_id) + "," + Field("guest", job.guest) + "," +
           Field("source", job.source) + "," + Field("target", job.target) +
           "," + Field("status", SeverityName(job.severity)) + "," +
           Field("state", job.state) + "," + Field("alert", job.alert) + "," +
           Field("plane", job.plane) + "," +
           Field("error_class", job.error_class) + "," +
           Field("error_line", job.error_line) +
           ",\"prerequisites\":" + Checks(job.prerequisites) +
           ",\"throughput\":" + Checks(job.throughput) + ",\"volumes\":[";
    for (std::size_t v = 0; v < job.volumes.size(); ++v) {
      const auto& volume = job.volumes[v];
      out += (v ? "," : "") + std::string("{") +
             Field("volume", volume.volume) + "," +
             Field("status", SeverityName(volume.severity)) + "," +
             Field("plan", PlanId(volume.plan)) + "," +
             Field("summary", volume.summary) + "," +
             Field("alert", volume.alert) +
             ",\"preconditions\":" + Checks(volume.preconditions) +
             ",\"commands\":" + Strings(volume.commands) + "}";
    }
    out += "]}";
  }
  out += "],\"failovers\":[";
  for (std::size_t i = 0; i < report.failovers.size(); ++i) {
    const auto& drill = report.failovers[i];
    out +=
        (i ? "," : "") + std::string("{") +
        Field("pve_cluster", drill.cluster) + "," +
        Field("guest", drill.guest) + "," + Field("job_id", drill.job_id) +
        "," + Field("source", drill.source) + "," +
        Field("target", drill.target) + "," +
        Field("status", SeverityName(drill.severity)) +
        ",\"ready\":" + (drill.ready ? "true" : "false") +
        ",\"data_loss_seconds\":" +
        (drill.data_loss_seconds
             ? std::to_string(static_cast<long long>(*drill.data_loss_seconds))
             : std::string("null")) +
        ",\"checks\":" + Checks(drill.checks) +
        ",\"commands\":" + Strings(drill.commands) + "}";
  }
  return out + "]}\n";
}

}  // namespace replwatch::diagnose

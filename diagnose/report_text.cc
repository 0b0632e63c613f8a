#include <string>

#include "diagnose/diagnosis.h"
#include "diagnose/human_units.h"

namespace replwatch::diagnose {
namespace {

void Line(std::string& out, int indent, const std::string& text) {
  out.append(indent, ' ');
  out += text + "\n";
}

void Checks(std::string& out, const char* title,
            const std::vector<Check>& checks) {
  if (checks.empty()) return;
  Line(out, 2, title);
  for (const auto& check : checks) {
    Line(out, 4,
         "[" + SeverityName(check.severity) + "] " + check.name + ": " +
             check.detail);
  }
}

const char* PlanName(Plan plan) {
  switch (plan) {
    case Plan::kRepairChain:
      return "Plan A (repair the chain)";
    case Plan::kReseed:
      return "Plan B (re-seed)";
    case Plan::kNone:
      break;
  }
  return "no action";
}

}  // namespace

std::string RenderText(const Report& report) {
  std::string out =
      "replwatch diagnose: " + SeverityName(report.severity) + "\n";
  for (const auto& node : report.unreachable) {
    Line(out, 0,
         "[CRITICAL] node " + node.cluster + "/" + node.node +
             " unreachable: " + node.error);
  }
  if (report.jobs.empty() && report.failovers.empty()) {
    Line(out, 0, "no replication job matched");
  }
  for (const auto& job : report.jobs) {
    out += "\n";
    Line(out, 0,
         "job " + job.job_id + " (" + job.cluster + ": " + job.source + " -> " +
             job.target + "): " + job.state + " [" +
             SeverityName(job.severity) + "]");
    if (!job.error_class.empty()) {
      Line(out, 2,
           "last error (" + job.plane + ", " + job.error_class +
               "): " + job.error_line);
    }
    Checks(out, "prerequisites:", job.prerequisites);
    Checks(out, "throughput:", job.throughput);
    for (const auto& volume : job.volumes) {
      Line(out, 2,
           "volume " + volume.volume + " [" + SeverityName(volume.severity) +
               "]: " + volume.summary);
      if (volume.plan == Plan::kNone) continue;
      Line(out, 4,
           std::string(PlanName(volume.plan)) +
               " - replwatch only prints these commands:");
      Checks(out, "  preconditions:", volume.preconditions);
      for (const auto& command : volume.commands) Line(out, 6, command);
    }
  }
  for (const auto& drill : report.failovers) {
    out += "\n";
    Line(out, 0,
         "failover of guest " + drill.guest + " to " + drill.target + " (" +
             drill.cluster + ", job " + drill.job_id +
             "): " + (drill.ready ? "ready" : "NOT READY") + " [" +
             SeverityName(drill.severity) + "]");
    if (drill.data_loss_seconds) {
      Line(out, 2, "data loss now: " + HumanDuration(*drill.data_loss_seconds));
    }
    Checks(out, "before starting it there:", drill.checks);
    Line(out, 2, "verify by hand (replwatch only prints these commands):");
    for (const auto& command : drill.commands) Line(out, 4, command);
  }
  return out;
}

}  // namespace replwatch::diagnose

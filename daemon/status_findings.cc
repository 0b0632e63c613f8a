#include "daemon/status_findings.h"

#include <set>

#include "daemon/collection_state.h"
#include "daemon/status_page.h"
#include "diagnose/runbook_link.h"

namespace replwatch {
namespace {

using diagnose::Severity;

// One "what holds now" line per distinct finding: a pool's check repeats
// for every job on it.
class Findings {
 public:
  void Add(Severity severity, const std::string& what,
           const std::string& alert) {
    if (severity == Severity::kOk) return;
    const std::string item = SeverityTag(severity) + " " + HtmlEscape(what);
    if (!seen_.insert(item).second) return;
    html_ += "<li>" + item;
    if (!alert.empty()) {
      html_ += " <a href=\"" + HtmlEscape(diagnose::RunbookUrl(alert)) + "\">" +
               HtmlEscape(alert) + "</a>";
    }
    html_ += "</li>\n";
  }
  std::string Html() const {
    if (html_.empty()) {
      return "<p id=\"nothing\" class=\"ok\">Nothing holds: every node, job, "
             "chain, pool and path replwatch checks is healthy.</p>\n";
    }
    return "<ul id=\"findings\">\n" + html_ + "</ul>\n";
  }

 private:
  std::set<std::string> seen_;
  std::string html_;
};

void AddNodeFindings(const std::vector<NodeStatus>& nodes, Findings& out) {
  for (const auto& node : nodes) {
    const std::string name = node.config.cluster + "/" + node.config.name;
    if (node.host_key_changed || node.host_key_unknown) {
      out.Add(Severity::kCritical,
              "node " + name + ": SSH host key " +
                  (node.host_key_changed ? "changed" : "unknown"),
              "ReplwatchNodeSshBroken");
    }
    if (node.attempted && !node.up) {
      out.Add(Severity::kCritical,
              "node " + name + " unreachable: " + node.last_error,
              "ReplwatchNodeDown");
      continue;
    }
    for (const auto& collector : node.collectors) {
      if (!collector.ran || collector.success) continue;
      out.Add(Severity::kWarning,
              "collector " + collector.name + " on " + name + ": " +
                  collector.last_error,
              "ReplwatchCollectorFailing");
    }
  }
}

void AddJobFindings(const diagnose::JobDiagnosis& job, Findings& out) {
  const std::string name =
      "job " + job.job_id + " (" + job.source + " -> " + job.target + ")";
  out.Add(job.alert.empty() ? Severity::kOk : job.severity,
          name + ": " + job.state +
              (job.error_line.empty() ? "" : ": " + job.error_line),
          job.alert);
  for (const auto* checks : {&job.prerequisites, &job.throughput}) {
    for (const auto& check : *checks) {
      out.Add(check.severity, check.name + ": " + check.detail, check.alert);
    }
  }
  for (const auto& volume : job.volumes) {
    out.Add(volume.severity,
            name + ", " + volume.volume + ": " + volume.summary, volume.alert);
  }
}

}  // namespace

std::string SeverityTag(Severity severity) {
  const std::string name = diagnose::SeverityName(severity);
  std::string css = name;
  for (char& c : css) c = static_cast<char>(c - 'A' + 'a');
  return "<span class=\"" + css + "\">" + name + "</span>";
}

std::string RenderFindings(const std::vector<NodeStatus>& nodes,
                           const diagnose::Report& report) {
  Findings findings;
  AddNodeFindings(nodes, findings);
  for (const auto& job : report.jobs) AddJobFindings(job, findings);
  return findings.Html();
}

}  // namespace replwatch

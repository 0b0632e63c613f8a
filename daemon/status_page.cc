#include "daemon/status_page.h"

#include "analysis/guest_failover.h"
#include "daemon/collection_state.h"
#include "daemon/status_findings.h"
#include "daemon/version.h"
#include "diagnose/human_units.h"

namespace replwatch {
namespace {

using diagnose::Severity;

std::string Ago(double now, double then) {
  if (then <= 0) return "never";
  return diagnose::HumanDuration(now > then ? now - then : 0) + " ago";
}

std::string ChainCell(const diagnose::JobDiagnosis& job) {
  if (job.volumes.empty()) return "no volumes known";
  Severity worst = Severity::kOk;
  for (const auto& volume : job.volumes) {
    worst = diagnose::Worst(worst, volume.severity);
  }
  for (const auto& volume : job.volumes) {
    if (volume.severity == worst && worst != Severity::kOk) {
      return SeverityTag(worst) + " " + HtmlEscape(volume.summary);
    }
  }
  return SeverityTag(worst) + " " + std::to_string(job.volumes.size()) +
         " volume(s) intact";
}

std::string RpoCell(const diagnose::JobDiagnosis& job) {
  std::string text = diagnose::HumanDuration(job.rpo_seconds);
  if (job.schedule_interval_seconds > 0) {
    text += " of " +
            diagnose::HumanDuration(
                AllowedDataLossSeconds(job.schedule_interval_seconds)) +
            " allowed";
  }
  return HtmlEscape(text);
}

std::string JobsTable(const diagnose::Report& report, double now) {
  std::string html =
      "<table id=\"jobs\">\n<tr><th>cluster</th><th>job</th><th>path</th>"
      "<th>state</th><th>schedule</th><th>RPO</th><th>last sync</th>"
      "<th>chain</th></tr>\n";
  for (const auto& job : report.jobs) {
    html += "<tr data-job=\"" + HtmlEscape(job.job_id) + "\"><td>" +
            HtmlEscape(job.cluster) + "</td><td>" + HtmlEscape(job.job_id) +
            "</td><td>" + HtmlEscape(job.source + " -> " + job.target) +
            "</td><td class=\"state\">" + HtmlEscape(job.state) + " " +
            SeverityTag(job.severity) + "</td><td>" + HtmlEscape(job.schedule) +
            "</td><td>" + RpoCell(job) + "</td><td>" +
            HtmlEscape(Ago(now, job.last_sync)) + "</td><td class=\"chain\">" +
            ChainCell(job) + "</td></tr>\n";
  }
  return html + "</table>\n";
}

std::string NodesTable(const std::vector<NodeStatus>& nodes, double now) {
  std::string html =
      "<table id=\"nodes\">\n<tr><th>cluster</th><th>node</th>"
      "<th>reachable</th><th>collectors</th><th>last error</th></tr>\n";
  for (const auto& node : nodes) {
    std::string reachable = "<span>not yet tried</span>";
    if (node.attempted) {
      reachable = node.up ? "<span class=\"ok\">up</span>"
                          : "<span class=\"critical\">DOWN</span>";
    }
    std::string collectors;
    for (const auto& collector : node.collectors) {
      if (!collectors.empty()) collectors += ", ";
      const char* css = !collector.ran      ? ""
                        : collector.success ? "ok"
                                            : "critical";
      collectors += "<span class=\"" + std::string(css) + "\" title=\"" +
                    HtmlEscape("last success " +
                               Ago(now, collector.last_success_seconds)) +
                    "\">" + HtmlEscape(collector.name) + "</span>";
    }
    html += "<tr data-node=\"" + HtmlEscape(node.config.name) + "\"><td>" +
            HtmlEscape(node.config.cluster) + "</td><td>" +
            HtmlEscape(node.config.name) + "</td><td>" + reachable +
            "</td><td>" + collectors + "</td><td>" +
            HtmlEscape(node.last_error) + "</td></tr>\n";
  }
  return html + "</table>\n";
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderStatusPage(const std::vector<NodeStatus>& nodes,
                             const diagnose::Report& report, double now,
                             const std::string& telemetry_path) {
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"refresh\" content=\"30\">"
         "<title>replwatch</title><style>body{font-family:sans-serif}"
         "td,th{padding:2px 8px;text-align:left;vertical-align:top}"
         ".critical{color:#b00}.warning{color:#a60}.unknown{color:#666}"
         ".ok{color:#070}</style></head><body>\n<h1>replwatch</h1>\n<p>"
         "Proxmox VE replication monitor, version " +
         HtmlEscape(kVersion) + " (" + HtmlEscape(kRevision) + "). <a href=\"" +
         HtmlEscape(telemetry_path) +
         "\">Metrics</a>. Overall: " + SeverityTag(report.severity) +
         " (as <code>replwatch diagnose</code>"
         " judges it; this page reloads every 30 s).</p>\n"
         "<h2>What holds now</h2>\n" +
         RenderFindings(nodes, report) + "<h2>Replication jobs</h2>\n" +
         JobsTable(report, now) + "<h2>Nodes</h2>\n" + NodesTable(nodes, now) +
         "</body></html>\n";
}

}  // namespace replwatch

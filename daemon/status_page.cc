#include "daemon/status_page.h"

#include "daemon/collection_state.h"
#include "daemon/version.h"

namespace replwatch {

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
                             const std::string& telemetry_path) {
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
      "<title>replwatch</title><style>body{font-family:sans-serif}"
      "td,th{padding:2px 8px;text-align:left}.down{color:#b00}"
      ".ok{color:#070}</style></head><body>\n<h1>replwatch</h1>\n<p>"
      "Proxmox VE replication monitor, version " +
      HtmlEscape(kVersion) + " (" + HtmlEscape(kRevision) + "). <a href=\"" +
      HtmlEscape(telemetry_path) +
      "\">Metrics</a></p>\n<table>\n<tr><th>cluster</th><th>node</th>"
      "<th>reachable</th><th>collectors</th><th>last error</th></tr>\n";
  for (const auto& node : nodes) {
    std::string reachable = "<span>not yet tried</span>";
    if (node.attempted) {
      reachable = node.up ? "<span class=\"ok\">up</span>"
                          : "<span class=\"down\">DOWN</span>";
    }
    if (node.host_key_changed) {
      reachable += " <span class=\"down\">host key changed</span>";
    }
    if (node.host_key_unknown) {
      reachable += " <span class=\"down\">host key unknown</span>";
    }
    std::string collectors;
    for (const auto& collector : node.collectors) {
      if (!collectors.empty()) collectors += ", ";
      const char* css = !collector.ran ? "" : collector.success ? "ok" : "down";
      collectors += "<span class=\"" + std::string(css) + "\">" +
                    HtmlEscape(collector.name) + "</span>";
    }
    html += "<tr><td>" + HtmlEscape(node.config.cluster) + "</td><td>" +
            HtmlEscape(node.config.name) + "</td><td>" + reachable +
            "</td><td>" + collectors + "</td><td>" +
            HtmlEscape(node.last_error) + "</td></tr>\n";
  }
  html += "</table>\n</body></html>\n";
  return html;
}

}  // namespace replwatch

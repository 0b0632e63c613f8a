#pragma once

#include <string>
#include <vector>

#include "diagnose/diagnosis.h"

namespace replwatch {

struct NodeStatus;

/// The HTML page at "/": what holds now (each with its runbook section),
/// every replication job as `diagnose` judges it, and each node's
/// reachability and collectors. Reloads itself every 30 s.
std::string RenderStatusPage(const std::vector<NodeStatus>& nodes,
                             const diagnose::Report& report, double now,
                             const std::string& telemetry_path);

/// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace replwatch

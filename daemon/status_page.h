#pragma once

#include <string>
#include <vector>

namespace replwatch {

struct NodeStatus;

/// The HTML page at "/": a link to the metrics and one row per node with
/// its reachability and each collector's state and last error.
std::string RenderStatusPage(const std::vector<NodeStatus>& nodes,
                             const std::string& telemetry_path);

/// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace replwatch

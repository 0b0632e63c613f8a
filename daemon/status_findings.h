#pragma once

#include <string>
#include <vector>

#include "diagnose/diagnosis.h"

namespace replwatch {

struct NodeStatus;

/// The status page's "What holds now": one line per distinct WARNING,
/// CRITICAL or UNKNOWN finding about the nodes and in `report` (a pool's
/// check repeats for every job on it), each with a link to the runbook
/// section of the alert that pages for it.
std::string RenderFindings(const std::vector<NodeStatus>& nodes,
                           const diagnose::Report& report);

/// A severity as the page shows it: its name, in its colour's CSS class.
std::string SeverityTag(diagnose::Severity severity);

}  // namespace replwatch

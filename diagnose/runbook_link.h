#pragma once

#include <string>
#include <string_view>

namespace replwatch::diagnose {

/// The runbook section of an alert, the URL its rule's runbook_url names
/// (docs/runbook.md, anchor: the alert's name in lower case).
std::string RunbookUrl(std::string_view alert);

}  // namespace replwatch::diagnose

#pragma once

#include <string>
#include <string_view>

// The pieces of the Prometheus text exposition format (0.0.4) that must be
// right for a scraper to accept a whole scrape: one malformed value or label
// and Prometheus stores none of the target's series.
namespace replwatch::exposition {

/// Appends `value` as a decimal that reads back as exactly the same double:
/// whole numbers below 1e15 in full, others in the shortest such form (Go's
/// strconv.ParseFloat rejects "1.797693134862316e+308", which rounds past the
/// largest double). NaN and infinities are written as "NaN", "+Inf", "-Inf".
void AppendSampleValue(double value, std::string* out);

/// Appends a label value with '\\', '"' and newline escaped.
void AppendLabelValue(std::string_view value, std::string* out);

/// Appends HELP text with '\\' and newline escaped.
void AppendHelpText(std::string_view help, std::string* out);

/// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);

/// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved).
bool IsValidLabelName(std::string_view name);

/// Prometheus refuses a label value that is not valid UTF-8.
bool IsValidLabelValue(std::string_view value);

}  // namespace replwatch::exposition

#pragma once

#include <string>
#include <string_view>

#include "transport/transport.h"

namespace replwatch {

/// Runs allow-listed command `id` (no arguments) and returns its stdout.
/// A non-zero exit status throws CollectorError naming the command, the
/// status and the first line of stderr (printable, cut short: it is remote
/// text and goes to the log only). Transport failures escape as they are.
std::string RunExpectingSuccess(Transport& transport, std::string_view id);

}  // namespace replwatch

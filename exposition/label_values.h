#pragma once

#include <string>
#include <string_view>

namespace replwatch {

/// True if `value`, a name read from a node (pool, dataset, vdev, feature),
/// can become a label value as is: 1..256 printable ASCII characters. A name
/// that fails is not rendered rather than mangled, so two different names
/// never end up in one series.
bool IsSafeLabelValue(std::string_view value);

/// The warning for a name that fails IsSafeLabelValue: what it is, a
/// printable copy and why its series are left out.
std::string UnsafeLabelValueWarning(std::string_view what,
                                    std::string_view value);

}  // namespace replwatch

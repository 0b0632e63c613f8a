#pragma once

#include <string_view>

namespace replwatch {

/// True if `value`, a name read from a node (pool, dataset, vdev, feature),
/// can become a label value as is: 1..256 printable ASCII characters. A name
/// that fails is not rendered rather than mangled, so two different names
/// never end up in one series.
bool IsSafeLabelValue(std::string_view value);

}  // namespace replwatch

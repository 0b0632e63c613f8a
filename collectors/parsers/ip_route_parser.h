#pragma once

#include <string>
#include <string_view>

namespace replwatch::parsers {

/// The interface (`dev`) of the route `ip -j route get <address>` prints:
/// `[{"dst":"10.0.0.2","dev":"vmbr1","prefsrc":"10.0.0.1",...}]`. Throws
/// text::ParseError when the output holds no route with a device.
std::string ParseRouteGetDevice(std::string_view json);

}  // namespace replwatch::parsers

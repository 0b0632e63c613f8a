#include "collectors/parsers/ip_route_parser.h"

#include "text/json.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::parsers {

std::string ParseRouteGetDevice(std::string_view json) {
  const text::JsonValue doc = text::ParseJson(json);
  if (!doc.is_array() || doc.AsArray().size() == 0) {
    throw text::ParseError("ip -j route get: expected an array of routes");
  }
  const text::JsonValue route = doc.AsArray()[0];
  const text::JsonValue* dev = route.Find("dev");
  if (dev == nullptr || !dev->is_string()) {
    throw text::ParseError("ip -j route get: the route names no device");
  }
  const std::string name = dev->AsString();
  // IFNAMSIZ: 15 bytes and a NUL; never a label or log text otherwise.
  if (!text::IsPrintableToken(name, 15)) {
    throw text::ParseError("ip -j route get: device name " +
                           text::Printable(name) + " is not an interface name");
  }
  return name;
}

}  // namespace replwatch::parsers

// ParseJson on hostile bytes; every number of the tree is converted too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/parsers/json.h"
#include "collectors/parsers/parse_error.h"

namespace {

using replwatch::parsers::JsonValue;

void Visit(const JsonValue& value) {
  if (value.is_number()) {
    (void)value.AsInt64();
    (void)value.AsUint64();
    (void)value.AsDouble();
  } else if (value.is_array()) {
    for (const JsonValue& item : value.AsArray()) Visit(item);
  } else if (value.is_object()) {
    for (const auto& member : value.AsObject()) Visit(member.second);
  }
  (void)replwatch::parsers::NumberOrNumericStringInt64(&value);
  (void)replwatch::parsers::NumberOrNumericStringUint64(&value);
  (void)replwatch::parsers::NumberOrNumericStringDouble(&value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    Visit(replwatch::parsers::ParseJson(text));
  } catch (const replwatch::parsers::ParseError&) {
  }
  return 0;
}

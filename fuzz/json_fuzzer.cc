// replwatch::text::ParseJson on hostile bytes; every number of the tree is
// converted too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "text/json.h"
#include "text/parse_error.h"

namespace {

using replwatch::text::JsonValue;

void Visit(const replwatch::text::JsonValue& value) {
  if (value.is_number()) {
    (void)value.AsInt64();
    (void)value.AsUint64();
    (void)value.AsDouble();
  } else if (value.is_array()) {
    for (const replwatch::text::JsonValue& item : value.AsArray()) Visit(item);
  } else if (value.is_object()) {
    for (const auto& member : value.AsObject()) Visit(member.second);
  }
  (void)replwatch::text::NumberOrNumericStringInt64(&value);
  (void)replwatch::text::NumberOrNumericStringUint64(&value);
  (void)replwatch::text::NumberOrNumericStringDouble(&value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    Visit(replwatch::text::ParseJson(text));
  } catch (const replwatch::text::ParseError&) {
  }
  return 0;
}

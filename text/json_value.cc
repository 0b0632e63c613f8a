#include "text/json.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::text {
namespace {

[[noreturn]] void WrongType(const char* wanted) {
  throw ParseError(std::string("JSON value is not ") + wanted);
}

}  // namespace

JsonValue JsonValue::Bool(bool value) {
  JsonValue v;
  v.type_ = Type::kBool;
  v.bool_ = value;
  return v;
}

JsonValue JsonValue::Number(std::string text) {
  JsonValue v;
  v.type_ = Type::kNumber;
  v.text_ = std::move(text);
  return v;
}

JsonValue JsonValue::String(std::string text) {
  JsonValue v;
  v.type_ = Type::kString;
  v.text_ = std::move(text);
  return v;
}

JsonValue JsonValue::Array(std::vector<JsonValue> items) {
  JsonValue v;
  v.type_ = Type::kArray;
  v.items_ = std::move(items);
  return v;
}

JsonValue JsonValue::Object(std::vector<Member> members) {
  JsonValue v;
  v.type_ = Type::kObject;
  v.members_ = std::move(members);
  return v;
}

bool JsonValue::AsBool() const {
  if (!is_bool()) WrongType("a boolean");
  return bool_;
}

const std::string& JsonValue::AsString() const {
  if (!is_string()) WrongType("a string");
  return text_;
}

const std::string& JsonValue::NumberText() const {
  if (!is_number()) WrongType("a number");
  return text_;
}

const std::vector<JsonValue>& JsonValue::AsArray() const {
  if (!is_array()) WrongType("an array");
  return items_;
}

const std::vector<JsonValue::Member>& JsonValue::AsObject() const {
  if (!is_object()) WrongType("an object");
  return members_;
}

std::optional<std::int64_t> JsonValue::AsInt64() const {
  return is_number() ? ParseInt64(text_) : std::nullopt;
}

std::optional<std::uint64_t> JsonValue::AsUint64() const {
  return is_number() ? ParseUint64(text_) : std::nullopt;
}

std::optional<double> JsonValue::AsDouble() const {
  return is_number() ? ParseDecimal(text_) : std::nullopt;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

std::optional<std::int64_t> NumberOrNumericStringInt64(const JsonValue* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number()) return value->AsInt64();
  if (value->is_string()) return ParseInt64(value->AsString());
  return std::nullopt;
}

std::optional<std::uint64_t> NumberOrNumericStringUint64(
    const JsonValue* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number()) return value->AsUint64();
  if (value->is_string()) return ParseUint64(value->AsString());
  return std::nullopt;
}

std::optional<double> NumberOrNumericStringDouble(const JsonValue* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number()) return value->AsDouble();
  if (value->is_string()) return ParseDecimal(value->AsString());
  return std::nullopt;
}

}  // namespace replwatch::text

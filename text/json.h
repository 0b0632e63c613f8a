#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replwatch::text {

/// A parsed JSON value. Numbers keep their source text so that 64-bit
/// integers (ZFS GUIDs exceed 2^53) are never rounded through a double.
/// Objects keep their members in input order.
class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, JsonValue>;

  JsonValue() = default;
  static JsonValue Bool(bool value);
  static JsonValue Number(std::string text);
  static JsonValue String(std::string text);
  static JsonValue Array(std::vector<JsonValue> items);
  static JsonValue Object(std::vector<Member> members);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // Typed access; throws ParseError when the value has another type.
  bool AsBool() const;
  const std::string& AsString() const;
  const std::string& NumberText() const;
  const std::vector<JsonValue>& AsArray() const;
  const std::vector<Member>& AsObject() const;

  // Exact conversions of a number; nullopt if not a number or not exactly
  // representable (fraction, exponent, out of range).
  std::optional<std::int64_t> AsInt64() const;
  std::optional<std::uint64_t> AsUint64() const;
  std::optional<double> AsDouble() const;

  /// First member named `key`, or nullptr (also when this is not an object).
  const JsonValue* Find(std::string_view key) const;

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;  // string value or number source text
  std::vector<JsonValue> items_;
  std::vector<Member> members_;
};

struct JsonLimits {
  std::size_t max_depth = 64;
  std::size_t max_bytes = 64u << 20;
};

/// Strict RFC 8259 parser: one value, optional surrounding whitespace, valid
/// UTF-8 in strings, no comments, no trailing commas. Throws ParseError (with
/// the 1-based line) on any violation.
JsonValue ParseJson(std::string_view text, const JsonLimits& limits = {});

// Lenient readers for producers that emit numbers as strings (PVE's
// "guest":"100", zpool -p JSON). Accept a JSON number or a string holding
// exactly such a number; nullopt otherwise (including a null `value`).
std::optional<std::int64_t> NumberOrNumericStringInt64(const JsonValue* value);
std::optional<std::uint64_t> NumberOrNumericStringUint64(
    const JsonValue* value);
std::optional<double> NumberOrNumericStringDouble(const JsonValue* value);

}  // namespace replwatch::text

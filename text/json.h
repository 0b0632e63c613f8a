#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replwatch::text {

class JsonArrayView;
class JsonObjectView;

struct JsonLimits {
  std::size_t max_depth = 64;
  std::size_t max_bytes = 64u << 20;
  /// Memory the document may take at its peak, counted as it is built. A
  /// document that needs more (a 60 MB array of zeros needs 480 MB) is
  /// refused on the way, before it exhausts the daemon's memory. Real
  /// documents need about twice their text.
  std::size_t max_tree_bytes = 128u << 20;
};

namespace json_internal {
struct Tape;
}

/// A value of a parsed JSON document. The document is one flat array of
/// 16-byte nodes plus one buffer of string bytes (a "tape", as simdjson
/// calls it), so a tree takes about twice its text, and a value is a cheap
/// handle that keeps the document alive. Numbers keep their exact value or
/// source text, so 64-bit integers (ZFS GUIDs exceed 2^53) are never rounded
/// through a double. Objects keep their members in input order.
class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  JsonValue();  // null
  JsonValue(const JsonValue& other) : tape_(other.tape_), node_(other.node_) {}
  JsonValue& operator=(const JsonValue& other) {
    tape_ = other.tape_;
    node_ = other.node_;
    found_.clear();
    return *this;
  }
  JsonValue(JsonValue&&) = default;
  JsonValue& operator=(JsonValue&&) = default;

  Type type() const;
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_number() const { return type() == Type::kNumber; }
  bool is_string() const { return type() == Type::kString; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_object() const { return type() == Type::kObject; }

  // Typed access; throws ParseError when the value has another type.
  bool AsBool() const;
  std::string AsString() const;
  std::string NumberText() const;
  JsonArrayView AsArray() const;
  /// Iterates (key, value) pairs: `for (const auto& [key, value] : ...)`.
  JsonObjectView AsObject() const;

  // Exact conversions of a number; nullopt if not a number or not exactly
  // representable (fraction, exponent, out of range).
  std::optional<std::int64_t> AsInt64() const;
  std::optional<std::uint64_t> AsUint64() const;
  std::optional<double> AsDouble() const;

  /// The member named `key`, or nullptr (also when this is not an object).
  /// The pointer lives as long as this value.
  const JsonValue* Find(std::string_view key) const;

 private:
  friend class JsonArrayView;
  friend class JsonObjectView;
  friend JsonValue ParseJson(std::string_view, const JsonLimits&);

  JsonValue(std::shared_ptr<const json_internal::Tape> tape, std::size_t node)
      : tape_(std::move(tape)), node_(node) {}
  std::string_view Text() const;

  std::shared_ptr<const json_internal::Tape> tape_;
  std::size_t node_ = 0;
  // Find() hands out pointers; the values they point to live here.
  mutable std::vector<std::unique_ptr<JsonValue>> found_;
};

/// The items of a JSON array, in order.
class JsonArrayView {
 public:
  class Iterator;
  Iterator begin() const;
  Iterator end() const;
  std::size_t size() const { return size_; }
  JsonValue operator[](std::size_t index) const;

 private:
  friend class JsonValue;
  JsonArrayView(const JsonValue* array, std::size_t size)
      : array_(array), size_(size) {}
  const JsonValue* array_;
  std::size_t size_;
};

/// The members of a JSON object, in input order.
class JsonObjectView {
 public:
  class Iterator;
  Iterator begin() const;
  Iterator end() const;
  std::size_t size() const { return size_; }

 private:
  friend class JsonValue;
  JsonObjectView(const JsonValue* object, std::size_t size)
      : object_(object), size_(size) {}
  const JsonValue* object_;
  std::size_t size_;
};

class JsonArrayView::Iterator {
 public:
  JsonValue operator*() const;
  Iterator& operator++();
  bool operator!=(const Iterator& other) const { return node_ != other.node_; }

 private:
  friend class JsonArrayView;
  Iterator(const JsonValue* array, std::size_t node)
      : array_(array), node_(node) {}
  const JsonValue* array_;
  std::size_t node_;
};

class JsonObjectView::Iterator {
 public:
  std::pair<std::string, JsonValue> operator*() const;
  Iterator& operator++();
  bool operator!=(const Iterator& other) const { return node_ != other.node_; }

 private:
  friend class JsonObjectView;
  Iterator(const JsonValue* object, std::size_t node)
      : object_(object), node_(node) {}
  const JsonValue* object_;
  std::size_t node_;  // the key's node
};

/// Strict RFC 8259 parser (nlohmann's SAX lexer): one value, optional
/// surrounding whitespace and UTF-8 byte order mark, valid UTF-8 in strings,
/// no comments, no trailing commas. A key repeated in one object keeps its
/// last value, as most JSON readers do. Throws ParseError (with the 1-based
/// line) on any violation or when a limit is exceeded.
JsonValue ParseJson(std::string_view text, const JsonLimits& limits = {});

// Lenient readers for producers that emit numbers as strings (PVE's
// "guest":"100", zpool -p JSON). Accept a JSON number or a string holding
// exactly such a number; nullopt otherwise (including a null `value`).
std::optional<std::int64_t> NumberOrNumericStringInt64(const JsonValue* value);
std::optional<std::uint64_t> NumberOrNumericStringUint64(
    const JsonValue* value);
std::optional<double> NumberOrNumericStringDouble(const JsonValue* value);

}  // namespace replwatch::text

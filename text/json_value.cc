#include <algorithm>

#include "text/json.h"
#include "text/json_tape.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::text {
namespace {

using json_internal::Kind;
using json_internal::Node;
using json_internal::Tape;

[[noreturn]] void WrongType(const char* wanted) {
  throw ParseError(std::string("JSON value is not ") + wanted);
}

// The first member (key node) of an object at or after `node` that a later
// equal key did not shadow; `end` if none.
std::size_t Visible(const Tape& tape, std::size_t node, std::size_t end) {
  while (node < end && tape.nodes[node].shadowed) {
    node = tape.Next(node + 1);
  }
  return node;
}

const std::shared_ptr<const Tape>& NullTape() {
  static const auto null_tape =
      std::make_shared<const Tape>(Tape{{Node{}}, ""});
  return null_tape;
}

}  // namespace

JsonValue::JsonValue() : tape_(NullTape()) {}

JsonValue::Type JsonValue::type() const {
  switch (tape_->nodes[node_].kind_of()) {
    case Kind::kNull:
      return Type::kNull;
    case Kind::kFalse:
    case Kind::kTrue:
      return Type::kBool;
    case Kind::kInt:
    case Kind::kUint:
    case Kind::kNumber:
      return Type::kNumber;
    case Kind::kString:
      return Type::kString;
    case Kind::kArray:
      return Type::kArray;
    case Kind::kObject:
      return Type::kObject;
  }
  return Type::kNull;
}

std::string_view JsonValue::Text() const {
  return tape_->Text(tape_->nodes[node_]);
}

bool JsonValue::AsBool() const {
  if (!is_bool()) WrongType("a boolean");
  return tape_->nodes[node_].kind_of() == Kind::kTrue;
}

std::string JsonValue::AsString() const {
  if (!is_string()) WrongType("a string");
  return std::string(Text());
}

std::string JsonValue::NumberText() const {
  const Node& node = tape_->nodes[node_];
  switch (node.kind_of()) {
    case Kind::kInt:
      return std::to_string(static_cast<std::int64_t>(node.b));
    case Kind::kUint:
      return std::to_string(node.b);
    case Kind::kNumber:
      return std::string(Text());
    default:
      WrongType("a number");
  }
}

JsonArrayView JsonValue::AsArray() const {
  if (!is_array()) WrongType("an array");
  return JsonArrayView(this, tape_->nodes[node_].a);
}

JsonObjectView JsonValue::AsObject() const {
  if (!is_object()) WrongType("an object");
  return JsonObjectView(this, tape_->nodes[node_].a);
}

std::optional<std::int64_t> JsonValue::AsInt64() const {
  const Node& node = tape_->nodes[node_];
  if (node.kind_of() == Kind::kInt) return static_cast<std::int64_t>(node.b);
  if (node.kind_of() == Kind::kNumber) return ParseInt64(Text());
  return std::nullopt;
}

std::optional<std::uint64_t> JsonValue::AsUint64() const {
  const Node& node = tape_->nodes[node_];
  if (node.kind_of() == Kind::kUint) return node.b;
  if (node.kind_of() == Kind::kInt) {
    if (static_cast<std::int64_t>(node.b) < 0) return std::nullopt;
    return node.b;
  }
  if (node.kind_of() == Kind::kNumber) return ParseUint64(Text());
  return std::nullopt;
}

std::optional<double> JsonValue::AsDouble() const {
  const Node& node = tape_->nodes[node_];
  if (node.kind_of() == Kind::kInt) {
    return static_cast<double>(static_cast<std::int64_t>(node.b));
  }
  if (node.kind_of() == Kind::kUint) return static_cast<double>(node.b);
  if (node.kind_of() == Kind::kNumber) return ParseDecimal(Text());
  return std::nullopt;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (!is_object()) return nullptr;
  const std::size_t end = tape_->nodes[node_].b;
  for (std::size_t n = node_ + 1; n < end; n = tape_->Next(n + 1)) {
    const Node& candidate = tape_->nodes[n];
    if (candidate.shadowed || tape_->Text(candidate) != key) continue;
    found_.push_back(std::make_unique<JsonValue>(JsonValue(tape_, n + 1)));
    return found_.back().get();
  }
  return nullptr;
}

JsonArrayView::Iterator JsonArrayView::begin() const {
  return Iterator(array_, array_->node_ + 1);
}

JsonArrayView::Iterator JsonArrayView::end() const {
  return Iterator(array_, array_->tape_->nodes[array_->node_].b);
}

JsonValue JsonArrayView::operator[](std::size_t index) const {
  std::size_t node = array_->node_ + 1;
  for (std::size_t i = 0; i < index; ++i) node = array_->tape_->Next(node);
  return JsonValue(array_->tape_, node);
}

JsonValue JsonArrayView::Iterator::operator*() const {
  return JsonValue(array_->tape_, node_);
}

JsonArrayView::Iterator& JsonArrayView::Iterator::operator++() {
  node_ = array_->tape_->Next(node_);
  return *this;
}

JsonObjectView::Iterator JsonObjectView::begin() const {
  const Tape& tape = *object_->tape_;
  const std::size_t end = tape.nodes[object_->node_].b;
  return Iterator(object_, Visible(tape, object_->node_ + 1, end));
}

JsonObjectView::Iterator JsonObjectView::end() const {
  return Iterator(object_, object_->tape_->nodes[object_->node_].b);
}

std::pair<std::string, JsonValue> JsonObjectView::Iterator::operator*() const {
  const auto& tape = object_->tape_;
  return {std::string(tape->Text(tape->nodes[node_])),
          JsonValue(tape, node_ + 1)};
}

JsonObjectView::Iterator& JsonObjectView::Iterator::operator++() {
  const Tape& tape = *object_->tape_;
  node_ = Visible(tape, tape.Next(node_ + 1), tape.nodes[object_->node_].b);
  return *this;
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

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// The layout of a parsed JSON document, shared by the builder (json.cc) and
// the accessors (json_value.cc); nothing outside text/json* uses it.
namespace replwatch::text::json_internal {

enum class Kind : std::uint8_t {
  kNull,
  kFalse,
  kTrue,
  kInt,     // value: the int64 bits
  kUint,    // value: the uint64 (above INT64_MAX only)
  kNumber,  // other numbers: source text in the string buffer
  kString,  // also object keys
  kArray,
  kObject,
};

/// 16 bytes per value, in document order (a container's children follow it).
/// Scalars: `a` = the string's offset in Tape::strings (strings, numbers),
/// `b` = its length or the integer's bits. Containers: `a` = children count
/// (an object's children are key, value, key, value, ...), `b` = the node
/// just past the container's last descendant. A key shadowed by a later
/// equal key in the same object is marked and skipped by readers.
struct Node {
  std::uint64_t kind : 4;
  std::uint64_t shadowed : 1;
  std::uint64_t a : 59;
  std::uint64_t b;

  Kind kind_of() const { return static_cast<Kind>(kind); }
};
static_assert(sizeof(Node) == 16);

struct Tape {
  std::vector<Node> nodes;
  std::string strings;

  std::string_view Text(const Node& node) const {
    return std::string_view(strings).substr(node.a, node.b);
  }
  /// The node after `index` and everything inside it.
  std::size_t Next(std::size_t index) const {
    const Node& node = nodes[index];
    const Kind kind = node.kind_of();
    return kind == Kind::kArray || kind == Kind::kObject ? node.b : index + 1;
  }
};

}  // namespace replwatch::text::json_internal

#include "text/json.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "text/json_tape.h"
#include "text/parse_error.h"

namespace replwatch::text {
namespace {

using json_internal::Kind;
using json_internal::Node;
using json_internal::Tape;

// Writes nlohmann's SAX events onto a tape and counts, as it goes, the memory
// the tape and its bookkeeping take, so that a document that would not fit
// the budget is refused on the way rather than after the allocation.
class TapeBuilder {
 public:
  using Json = nlohmann::json;

  explicit TapeBuilder(const JsonLimits& limits)
      : limits_(limits), tape_(std::make_shared<Tape>()) {}

  bool null() { return Value(Kind::kNull, 0, 0); }
  bool boolean(bool value) {
    return Value(value ? Kind::kTrue : Kind::kFalse, 0, 0);
  }
  bool number_integer(Json::number_integer_t value) {
    return Value(Kind::kInt, 0, static_cast<std::uint64_t>(value));
  }
  bool number_unsigned(Json::number_unsigned_t value) {
    const bool fits = value <= static_cast<std::uint64_t>(
                                   std::numeric_limits<std::int64_t>::max());
    return Value(fits ? Kind::kInt : Kind::kUint, 0, value);
  }
  bool number_float(Json::number_float_t, const Json::string_t& text) {
    return Text(Kind::kNumber, text) && Counted();
  }
  bool string(Json::string_t& value) {
    return Text(Kind::kString, value) && Counted();
  }
  bool binary(Json::binary_t&) { return Refuse("binary values"); }

  bool key(Json::string_t& key) {
    if (!Text(Kind::kString, key)) return false;
    Frame& frame = frames_.back();
    const std::size_t node = tape_->nodes.size() - 1;
    if (const auto earlier = EarlierKey(frame, node)) {
      tape_->nodes[*earlier].shadowed = 1;  // the last value wins
      --frame.children;
    }
    frame.keys.push_back(node);
    return Charge(sizeof(std::size_t)) && IndexKey(frame, node);
  }

  bool start_object(std::size_t) { return Open(Kind::kObject); }
  bool end_object() { return Close(); }
  bool start_array(std::size_t) { return Open(Kind::kArray); }
  bool end_array() { return Close(); }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& error) {
    error_ = "invalid JSON: " + Describe(error);
    error_position_ = position;
    return false;
  }

  std::shared_ptr<const Tape> Take() { return std::move(tape_); }
  const std::string& error() const { return error_; }
  std::size_t error_position() const { return error_position_; }

 private:
  struct KeyHash {
    const Tape* tape;
    std::size_t operator()(std::size_t node) const {
      return std::hash<std::string_view>()(tape->Text(tape->nodes[node]));
    }
  };
  struct KeyEqual {
    const Tape* tape;
    bool operator()(std::size_t a, std::size_t b) const {
      return tape->Text(tape->nodes[a]) == tape->Text(tape->nodes[b]);
    }
  };
  using KeyIndex = std::unordered_set<std::size_t, KeyHash, KeyEqual>;

  struct Frame {
    std::size_t node = 0;
    std::size_t children = 0;       // items, or members not shadowed
    std::vector<std::size_t> keys;  // objects: key nodes not shadowed
    // Built once an object is large, so that a hostile object with a
    // million keys costs a hash lookup per key, not a scan.
    std::unique_ptr<KeyIndex> index;
  };

  // nlohmann's messages start with its exception id; ours carry the line.
  static std::string Describe(const nlohmann::detail::exception& error) {
    std::string what = error.what();
    const std::size_t colon = what.find(": ");
    if (what.rfind("[json.exception", 0) == 0 && colon != std::string::npos) {
      what.erase(0, colon + 2);
    }
    return what;
  }

  bool Refuse(const std::string& why) {
    error_ = why;
    return false;
  }

  bool Charge(std::size_t bytes) {
    used_ += bytes;
    if (used_ <= limits_.max_tree_bytes) return true;
    return RefuseOverBudget();
  }

  bool RefuseOverBudget() {
    return Refuse("JSON document needs more than " +
                  std::to_string(limits_.max_tree_bytes >> 20) +
                  " MiB in memory; refusing it");
  }

  // `used_` is the capacity of every buffer the document holds. A buffer
  // grows by half its size at a time; while reserve() copies it, the old
  // and the new buffer both exist, so the new one must fit next to all of
  // `used_`: the budget bounds the peak, not only what is kept.
  template <typename Buffer>
  bool MakeRoom(Buffer& buffer, std::size_t more, std::size_t unit) {
    const std::size_t need = buffer.size() + more;
    if (need <= buffer.capacity()) return true;
    const std::size_t grown =
        std::max(need, std::max<std::size_t>(64, buffer.capacity() * 3 / 2));
    if (used_ + grown * unit > limits_.max_tree_bytes) {
      return RefuseOverBudget();
    }
    used_ += (grown - buffer.capacity()) * unit;
    buffer.reserve(grown);
    return true;
  }

  bool Push(Kind kind, std::uint64_t a, std::uint64_t b) {
    if (!MakeRoom(tape_->nodes, 1, sizeof(Node))) return false;
    Node node{};
    node.kind = static_cast<std::uint64_t>(kind);
    node.a = a;
    node.b = b;
    tape_->nodes.push_back(node);
    return true;
  }

  bool Text(Kind kind, const std::string& text) {
    if (!MakeRoom(tape_->strings, text.size(), 1)) return false;
    const std::size_t offset = tape_->strings.size();
    tape_->strings.append(text);
    return Push(kind, offset, text.size());
  }

  bool Value(Kind kind, std::uint64_t a, std::uint64_t b) {
    return Push(kind, a, b) && Counted();
  }

  // A value was added to the innermost container.
  bool Counted() {
    if (!frames_.empty()) {
      Frame& frame = frames_.back();
      if (tape_->nodes[frame.node].kind_of() == Kind::kArray) ++frame.children;
    }
    return true;
  }

  std::optional<std::size_t> EarlierKey(const Frame& frame,
                                        std::size_t node) const {
    if (frame.index) {
      const auto it = frame.index->find(node);
      if (it == frame.index->end()) return std::nullopt;
      return *it;
    }
    const std::string_view key = tape_->Text(tape_->nodes[node]);
    for (const std::size_t earlier : frame.keys) {
      const Node& candidate = tape_->nodes[earlier];
      if (!candidate.shadowed && tape_->Text(candidate) == key) return earlier;
    }
    return std::nullopt;
  }

  bool IndexKey(Frame& frame, std::size_t node) {
    ++frame.children;
    if (frame.index) {
      frame.index->erase(node);  // an equal, now shadowed key
      frame.index->insert(node);
      return Charge(kIndexEntryBytes);
    }
    if (frame.keys.size() < kIndexFrom) return true;
    frame.index = std::make_unique<KeyIndex>(0, KeyHash{tape_.get()},
                                             KeyEqual{tape_.get()});
    frame.index->insert(frame.keys.begin(), frame.keys.end());
    return Charge(frame.keys.size() * kIndexEntryBytes);
  }

  bool Open(Kind kind) {
    if (frames_.size() >= limits_.max_depth) {
      return Refuse("invalid JSON: nesting deeper than " +
                    std::to_string(limits_.max_depth) + " levels");
    }
    if (!Counted() || !Push(kind, 0, 0)) return false;
    frames_.emplace_back();
    frames_.back().node = tape_->nodes.size() - 1;
    return Charge(sizeof(Frame));
  }

  bool Close() {
    Frame& frame = frames_.back();
    Node& node = tape_->nodes[frame.node];
    node.a = frame.children;
    node.b = tape_->nodes.size();
    used_ -= sizeof(Frame) + frame.keys.size() * sizeof(std::size_t) +
             (frame.index ? frame.index->size() * kIndexEntryBytes : 0);
    frames_.pop_back();
    return true;
  }

  static constexpr std::size_t kIndexFrom = 32;
  static constexpr std::size_t kIndexEntryBytes = 32;  // node and bucket

  const JsonLimits& limits_;
  std::shared_ptr<Tape> tape_;
  std::vector<Frame> frames_;
  std::size_t used_ = 0;
  std::string error_;
  std::size_t error_position_ = 0;
};

std::size_t LineAt(std::string_view text, std::size_t position) {
  position = std::min(position, text.size());
  return 1 + std::count(text.begin(), text.begin() + position, '\n');
}

}  // namespace

JsonValue ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw ParseError("JSON input exceeds " + std::to_string(limits.max_bytes) +
                     " bytes");
  }
  TapeBuilder builder(limits);
  const bool ok = nlohmann::json::sax_parse(
      text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json,
      /*strict=*/true, /*ignore_comments=*/false);
  if (!ok) {
    if (builder.error_position() > 0) {
      throw ParseError(builder.error(),
                       LineAt(text, builder.error_position() - 1));
    }
    throw ParseError(builder.error());
  }
  return JsonValue(builder.Take(), 0);
}

}  // namespace replwatch::text

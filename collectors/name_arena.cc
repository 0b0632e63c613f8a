#include "collectors/name_arena.h"

#include <cstdint>
#include <cstring>
#include <utility>

namespace replwatch {

namespace {

// A multiplicative hash over eight bytes at a time, top `bits` bits. Names
// are short; std::hash's byte loop cost more than the rest of interning.
std::size_t HashOf(std::string_view text, unsigned bits) {
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15;
  std::uint64_t hash = text.size() * kMultiplier;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    hash = (hash ^ word) * kMultiplier;
  }
  std::uint64_t tail = 0;
  if (i < text.size()) std::memcpy(&tail, text.data() + i, text.size() - i);
  hash = (hash ^ tail) * kMultiplier;
  return hash >> (64 - bits);
}

}  // namespace

std::string_view NameArena::Intern(std::string_view text) {
  if (recent_.empty()) return Store(text);  // StopInterning() was called
  // Two ways per set, the most recent first: two names that hash alike,
  // used in turn on every dataset, are still stored once each.
  std::string_view* const set = &recent_[2 * HashOf(text, kRecentSetBits)];
  const auto holds = [&text](std::string_view way) {
    return way.data() != nullptr && way == text;
  };
  if (holds(set[0])) return set[0];
  if (!holds(set[1])) set[1] = Store(text);
  std::swap(set[0], set[1]);
  return set[0];
}

void NameArena::StopInterning() {
  std::vector<std::string_view>().swap(recent_);
}

std::string_view NameArena::Store(std::string_view text) {
  char* at = Allocate(text.size());
  if (!text.empty()) std::memcpy(at, text.data(), text.size());
  return {at, text.size()};
}

char* NameArena::Allocate(std::size_t size) {
  if (size > kBlockSize / 4) {
    // A long string gets a block of its own; the open block stays open.
    blocks_.push_back(std::make_unique<char[]>(size));
    return blocks_.back().get();
  }
  if (size > left_) {
    blocks_.push_back(std::make_unique<char[]>(kBlockSize));
    next_ = blocks_.back().get();
    left_ = kBlockSize;
  }
  char* at = next_;
  next_ += size;
  left_ -= size;
  return at;
}

}  // namespace replwatch

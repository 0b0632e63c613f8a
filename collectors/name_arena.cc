#include "collectors/name_arena.h"

#include <cstring>

namespace replwatch {

std::string_view NameArena::Intern(std::string_view text) {
  if (const auto it = index_.find(text); it != index_.end()) return *it;
  char* at = Allocate(text.size());
  if (!text.empty()) std::memcpy(at, text.data(), text.size());
  const std::string_view stored(at, text.size());
  if (index_.size() == kMaxIndexed) index_.clear();
  index_.insert(stored);
  return stored;
}

void NameArena::StopInterning() {
  std::unordered_set<std::string_view>().swap(index_);
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

#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace replwatch {

/// Many short strings stored back to back in large blocks that never move,
/// so the views it hands out stay valid as long as the arena lives. A string
/// equal to one of the last few thousand distinct ones is stored once: the
/// same snapshot name (`autosnap_2025-01-01_00:00:00_daily`) on many datasets
/// comes in one run in a createtxg-sorted listing, and a bounded table keeps
/// all-unique listings from paying for a table of every name.
class NameArena {
 public:
  NameArena() = default;
  NameArena(const NameArena&) = delete;
  NameArena& operator=(const NameArena&) = delete;

  std::string_view Intern(std::string_view text);
  /// Frees the lookup table; later Intern() calls store duplicates.
  void StopInterning();

 private:
  static constexpr std::size_t kBlockSize = 64 * 1024;
  static constexpr std::size_t kMaxIndexed = 4096;

  char* Allocate(std::size_t size);

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;  // free space of the block being filled
  std::size_t left_ = 0;
  std::unordered_set<std::string_view> index_;
};

}  // namespace replwatch

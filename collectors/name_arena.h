#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace replwatch {

/// Many short strings stored back to back in large blocks that never move,
/// so the views it hands out stay valid as long as the arena lives. A string
/// equal to a recent one is stored once: the same snapshot name
/// (`autosnap_2025-01-01_00:00:00_daily`) on many datasets comes in one run
/// in a createtxg-sorted listing. Recent strings sit in a fixed table (by
/// hash, two per slot, the oldest evicted), so all-unique listings do not
/// pay for a table of every name and no input can make a lookup slow.
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
  static constexpr unsigned kRecentSetBits = 11;

  std::string_view Store(std::string_view text);
  char* Allocate(std::size_t size);

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;  // free space of the block being filled
  std::size_t left_ = 0;
  std::vector<std::string_view> recent_ =
      std::vector<std::string_view>(std::size_t{2} << kRecentSetBits);
};

}  // namespace replwatch

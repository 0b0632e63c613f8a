#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/parsers/zpool_status.h"

namespace replwatch::parsers {

/// Reads the `config:` tree of one pool in text `zpool status`. The STATE
/// column starts at the same offset as "STATE" in the header line, so names
/// with spaces are cut exactly (print_status_config() pads names to one
/// width); without a usable
/// header the row is split on blanks.
class VdevTreeReader {
 public:
  /// Reads one non-blank line of the tree: the NAME header, a class group
  /// row (`special`, `logs`, ...) or a vdev row appended to `vdevs`.
  void Line(std::string_view raw, std::vector<Vdev>* vdevs,
            std::vector<std::string>* problems);

 private:
  void Counters(std::string_view* rest, Vdev* vdev,
                std::vector<std::string>* problems);

  bool started_ = false;
  std::size_t name_col_ = 0;
  std::size_t state_col_ = std::string::npos;
  VdevGroup group_ = VdevGroup::kData;
};

}  // namespace replwatch::parsers

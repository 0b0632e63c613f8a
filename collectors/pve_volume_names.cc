#include "collectors/pve_volume_names.h"

#include <array>
#include <cctype>

namespace replwatch {

bool IsPveVolumeDataset(std::string_view dataset) {
  return !GuestOfPveVolume(dataset).empty();
}

std::string_view GuestOfPveVolume(std::string_view dataset) {
  const std::size_t slash = dataset.rfind('/');
  if (slash == std::string_view::npos) return {};  // a pool root
  std::string_view name = dataset.substr(slash + 1);
  static constexpr std::array<std::string_view, 4> kPrefixes = {
      "vm-", "subvol-", "base-", "basevol-"};
  bool prefixed = false;
  for (const std::string_view prefix : kPrefixes) {
    if (name.substr(0, prefix.size()) == prefix) {
      name.remove_prefix(prefix.size());
      prefixed = true;
      break;
    }
  }
  if (!prefixed) return {};
  std::size_t digits = 0;
  while (digits < name.size() &&
         std::isdigit(static_cast<unsigned char>(name[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits >= name.size() || name[digits] != '-') return {};
  const std::string_view rest = name.substr(digits + 1);
  if (rest.empty()) return {};
  for (const char c : rest) {
    if (std::isspace(static_cast<unsigned char>(c))) return {};
  }
  return name.substr(0, digits);
}

std::string_view PoolOfDataset(std::string_view dataset) {
  return dataset.substr(0, dataset.find('/'));
}

}  // namespace replwatch

#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace replwatch::parsers {

/// Numeric part of a release, e.g. {2, 2, 6} for "2.2.6-pve1".
struct ReleaseNumber {
  int major = 0;
  int minor = 0;
  int patch = 0;
};

/// `zfs version`: "zfs-2.2.6-pve1" then "zfs-kmod-2.2.6-pve1".
struct ZfsVersion {
  std::string userland;  // "2.2.6-pve1"
  std::string kernel;    // "2.2.6-pve1"; empty if the module line is missing
  std::optional<ReleaseNumber> userland_release;
};

/// Version strings become label values: short and printable.
constexpr std::size_t kMaxVersionLength = 64;
bool IsUsableVersionText(std::string_view s);

/// Throws text::ParseError without a "zfs-<version>" line or when its
/// version is not usable text.
ZfsVersion ParseZfsVersion(std::string_view text);

/// Leading "X.Y[.Z]" of a release string; nullopt if it does not start so.
std::optional<ReleaseNumber> ParseReleaseNumber(std::string_view release);

}  // namespace replwatch::parsers

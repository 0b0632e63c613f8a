#pragma once

#include <map>
#include <string>
#include <string_view>

#include "collectors/parsers/zfs_get_parser.h"

namespace replwatch::parsers {

/// `zpool get -Hp -o name,property,value all <pool>`: same layout as
/// `zfs get -Hp`, keyed by pool name.
PropertyListing ParseZpoolGet(std::string_view text);

enum class FeatureState { kDisabled, kEnabled, kActive, kOther };

/// The `feature@<name>` properties of one pool, keyed by `<name>`.
/// "disabled"/"enabled"/"active" map to their states; anything else
/// (`-` for an unknown feature, `inactive`/`readonly` of unsupported@)
/// is kOther.
std::map<std::string, FeatureState> FeatureStates(
    const std::map<std::string, PropertyValue>& pool_properties);

}  // namespace replwatch::parsers

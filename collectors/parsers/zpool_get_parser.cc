#include "collectors/parsers/zpool_get_parser.h"

#include "text/text_scan.h"

namespace replwatch::parsers {

PropertyListing ParseZpoolGet(std::string_view text) {
  return ParseZfsGet(text);
}

std::map<std::string, FeatureState> FeatureStates(
    const std::map<std::string, PropertyValue>& pool_properties) {
  static constexpr std::string_view kPrefix = "feature@";
  std::map<std::string, FeatureState> features;
  for (const auto& [property, value] : pool_properties) {
    if (!text::StartsWith(property, kPrefix) ||
        property.size() == kPrefix.size())
      continue;
    FeatureState state = FeatureState::kOther;
    if (value.text == "disabled") state = FeatureState::kDisabled;
    if (value.text == "enabled") state = FeatureState::kEnabled;
    if (value.text == "active") state = FeatureState::kActive;
    features[property.substr(kPrefix.size())] = state;
  }
  return features;
}

}  // namespace replwatch::parsers

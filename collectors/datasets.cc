#include "collectors/datasets.h"

#include <algorithm>
#include <chrono>

#include "collectors/checked_command.h"
#include "exposition/label_values.h"
#include "text/text_scan.h"

namespace replwatch {
namespace {

using Properties = std::map<std::string, parsers::PropertyValue>;

const parsers::PropertyValue* Present(const Properties& properties,
                                      const char* property) {
  const auto it = properties.find(property);
  if (it == properties.end() || it->second.absent) return nullptr;
  return &it->second;
}

std::optional<std::uint64_t> Number(const Properties& properties,
                                    const char* property) {
  const parsers::PropertyValue* value = Present(properties, property);
  return value ? value->number : std::nullopt;
}

std::optional<std::uint64_t> Limit(const Properties& properties,
                                   const char* property) {
  const auto value = Number(properties, property);
  if (value == 0u) return std::nullopt;
  return value;
}

std::optional<std::string> Text(const Properties& properties,
                                const char* property) {
  const parsers::PropertyValue* value = Present(properties, property);
  if (value == nullptr) return std::nullopt;
  return value->text;
}

}  // namespace

std::shared_ptr<DatasetsFacts> BuildDatasetsFacts(
    const parsers::PropertyTable& properties) {
  auto facts = std::make_shared<DatasetsFacts>();
  std::size_t over_cap = 0;
  for (const auto& [name, props] : properties) {
    if (!IsSafeLabelValue(name)) {
      facts->warnings.Add(UnsafeLabelValueWarning("dataset", name));
      continue;
    }
    if (facts->datasets.size() == DatasetsFacts::kMaxDatasets) {
      ++over_cap;
      continue;
    }
    DatasetInfo& info = facts->datasets[name];
    info.type = Text(props, "type").value_or("");
    info.available_bytes = Number(props, "available");
    info.used_bytes = Number(props, "used");
    info.quota_bytes = Limit(props, "quota");
    info.refquota_bytes = Limit(props, "refquota");
    info.reservation_bytes = Limit(props, "reservation");
    info.refreservation_bytes = Limit(props, "refreservation");
    info.volsize_bytes = Number(props, "volsize");
    info.written_bytes = Number(props, "written");
    info.receive_resume_token = Text(props, "receive_resume_token");
    info.keystatus = Text(props, "keystatus");
    info.encryption = Text(props, "encryption");
    info.encryption_root = Text(props, "encryptionroot");
    info.guid = Number(props, "guid");
  }
  if (over_cap > 0) {
    facts->LeaveOut("datasets", over_cap, DatasetsFacts::kMaxDatasets);
  }
  return facts;
}

const DatasetInfo* DatasetsFacts::Find(const std::string& dataset) const {
  const auto it = datasets.find(dataset);
  return it == datasets.end() ? nullptr : &it->second;
}

const DatasetInfo* DatasetsFacts::NearestListedAncestor(
    const std::string& dataset) const {
  std::string name = dataset;
  for (std::size_t slash = name.rfind('/'); slash != std::string::npos;
       slash = name.rfind('/')) {
    name.resize(slash);
    if (const DatasetInfo* info = Find(name)) return info;
  }
  return nullptr;
}

std::optional<std::uint64_t> DatasetsFacts::AvailableFor(
    const std::string& dataset) const {
  const DatasetInfo* info = Find(dataset);
  if (info == nullptr) info = NearestListedAncestor(dataset);
  return info != nullptr ? info->available_bytes : std::nullopt;
}

std::optional<std::uint64_t> DatasetsFacts::PoolSlopBytes(
    const std::string& pool) const {
  const DatasetInfo* root = Find(pool);
  if (root == nullptr || !root->used_bytes || !root->available_bytes) {
    return std::nullopt;
  }
  constexpr std::uint64_t kMinSlop = 128ull << 20;
  constexpr std::uint64_t kMaxSlop = 128ull << 30;
  const std::uint64_t usable_after_slop =
      *root->used_bytes + *root->available_bytes;
  const std::uint64_t usable = usable_after_slop + usable_after_slop / 31;
  const std::uint64_t slop = std::min(usable / 32, kMaxSlop);
  return std::max(slop, std::min(usable / 2, kMinSlop));
}

std::optional<EncryptionDrift> DatasetsFacts::EncryptionDriftOf(
    const std::string& dataset) const {
  const DatasetInfo* info = Find(dataset);
  if (info == nullptr || !info->encryption) return std::nullopt;
  const DatasetInfo* parent_info = NearestListedAncestor(dataset);
  if (parent_info == nullptr || !parent_info->encrypted()) {
    return std::nullopt;
  }
  if (!info->encrypted()) {
    return EncryptionDrift::kUnencryptedUnderEncryptedParent;
  }
  if (info->encryption_root == dataset) {
    return EncryptionDrift::kOwnRootUnderEncryptedParent;
  }
  return EncryptionDrift::kNone;
}

DatasetsCollector::DatasetsCollector() : now_(SystemClockSeconds) {}

const std::vector<std::string>& DatasetsCollector::Columns() {
  static const std::vector<std::string> columns = [] {
    const RemoteCommand command =
        MakeCommand(CommandId::kZfsListReplicationProps);
    std::string_view list = command.argv().back();
    std::vector<std::string> names;
    while (!list.empty()) names.emplace_back(text::SplitAt(&list, ','));
    return names;
  }();
  return columns;
}

std::shared_ptr<const Facts> DatasetsCollector::Collect(
    Transport& transport, const CollectContext& context) {
  const parsers::PropertyListing listing = parsers::ParseZfsListColumns(
      RunExpectingSuccess(transport, CommandId::kZfsListReplicationProps),
      Columns());
  auto facts = BuildDatasetsFacts(listing.properties);
  // A token is one interrupted receive: another token on the same dataset
  // is a new one.
  std::map<std::string, std::string> tokens;
  for (const auto& [name, info] : facts->datasets) {
    if (info.receive_resume_token) tokens[name] = *info.receive_resume_token;
  }
  const std::map<std::string, double> first_seen =
      context.first_sightings.Update(context.SightingScope("resume_tokens"),
                                     tokens, now_());
  for (const auto& [name, since] : first_seen) {
    facts->datasets[name].resume_token_first_seen = since;
  }
  return facts;
}

}  // namespace replwatch

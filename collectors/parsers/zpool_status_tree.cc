#include "collectors/parsers/zpool_status_tree.h"

#include <optional>

#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

// Leading TABs to 8-column stops, so that header and rows compare columns
// even if a copy mixed TABs and spaces.
std::string ExpandLeadingTabs(std::string_view line) {
  std::string out;
  std::size_t i = 0;
  for (; i < line.size() && (line[i] == ' ' || line[i] == '\t'); ++i) {
    out.append(line[i] == '\t' ? 8 - out.size() % 8 : 1, ' ');
  }
  out.append(line.substr(i));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t'))
    out.pop_back();
  return out;
}

std::optional<VdevGroup> GroupNamed(std::string_view name) {
  if (name == "dedup") return VdevGroup::kDedup;
  if (name == "special") return VdevGroup::kSpecial;
  if (name == "logs") return VdevGroup::kLogs;
  if (name == "cache") return VdevGroup::kCache;
  if (name == "spares") return VdevGroup::kSpares;
  return std::nullopt;
}

}  // namespace

void VdevTreeReader::Line(std::string_view raw, std::vector<Vdev>* vdevs,
                          std::vector<std::string>* problems) {
  const std::string line = ExpandLeadingTabs(raw);
  const std::size_t indent = line.find_first_not_of(' ');
  if (!started_) {
    started_ = true;
    name_col_ = indent;
    if (text::StartsWith(std::string_view(line).substr(indent), "NAME")) {
      state_col_ = line.find("STATE");
      return;
    }
  }
  std::string_view rest(line);
  std::string_view name;
  if (state_col_ != std::string::npos && line.size() > state_col_ &&
      indent < state_col_ && line[state_col_ - 1] == ' ' &&
      line[state_col_] != ' ') {
    name = text::TrimSpace(rest.substr(indent, state_col_ - indent));
    rest = rest.substr(state_col_);
  } else {
    name = text::NextField(&rest);
  }
  const std::string_view state = text::NextField(&rest);
  if (state.empty()) {
    if (const auto group = GroupNamed(name)) {
      group_ = *group;
    } else {
      problems->push_back("vdev row without state: '" + text::Printable(name) +
                          "'");
    }
    return;
  }
  Vdev vdev;
  vdev.name = std::string(name);
  vdev.state = std::string(state);
  vdev.group = group_;
  vdev.depth =
      indent > name_col_ ? static_cast<int>((indent - name_col_) / 2) : 0;
  Counters(&rest, &vdev, problems);
  vdev.annotation = std::string(text::TrimSpace(rest));
  vdevs->push_back(std::move(vdev));
}

// READ WRITE CKSUM: exact with -p, else zfs_nicenum() text. Rows of spares
// and `zpool import` have none; a partial set is reported, never zeroed
// silently.
void VdevTreeReader::Counters(std::string_view* rest, Vdev* vdev,
                              std::vector<std::string>* problems) {
  std::string_view probe = *rest;
  std::uint64_t* targets[] = {&vdev->read_errors, &vdev->write_errors,
                              &vdev->checksum_errors};
  int parsed = 0;
  for (std::uint64_t* target : targets) {
    const std::string_view token = text::NextField(&probe);
    const auto value = text::ParseNiceNumber(token);
    if (!value) break;
    *target = *value;
    vdev->counters_approximate |= text::ParseUint64(token) != value;
    ++parsed;
  }
  if (parsed == 3) {
    vdev->has_counters = true;
    *rest = probe;
    return;
  }
  vdev->read_errors = vdev->write_errors = vdev->checksum_errors = 0;
  vdev->counters_approximate = false;
  if (parsed > 0) {
    problems->push_back("incomplete error counters for vdev '" +
                        text::Printable(vdev->name) + "'");
  }
}

}  // namespace replwatch::parsers

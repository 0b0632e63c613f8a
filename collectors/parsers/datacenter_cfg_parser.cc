#include "collectors/parsers/datacenter_cfg_parser.h"

#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

// "secure,network=10.1.2.0/24" or "type=insecure,network=...": the first
// key of the format (`type`) may go without its name (print_property_string).
std::optional<TransferNetwork> ParseTransfer(std::string_view option,
                                             std::string_view value,
                                             text::ParseWarnings* warnings) {
  TransferNetwork network;
  network.option = std::string(option);
  network.type = "secure";
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    const std::string_view part =
        text::TrimSpace(value.substr(start, comma - start));
    start = comma + 1;
    if (part.empty()) continue;
    const std::size_t equals = part.find('=');
    const std::string_view key =
        equals == std::string_view::npos ? "type" : part.substr(0, equals);
    const std::string_view item =
        equals == std::string_view::npos ? part : part.substr(equals + 1);
    if (key == "type") {
      if (item != "secure" && item != "insecure") {
        warnings->Add(std::string(option) + ": unknown type " +
                      text::Printable(item));
        return std::nullopt;
      }
      network.type = std::string(item);
    } else if (key == "network") {
      network.cidr = std::string(item);
    }
  }
  return network;
}

}  // namespace

std::optional<TransferNetwork> DatacenterConfig::NetworkFor(
    int pve_major) const {
  if (pve_major >= 9 && replication) return replication;
  return migration;
}

DatacenterConfig ParseDatacenterCfg(std::string_view text) {
  DatacenterConfig config;
  text::LineReader lines(text);
  for (std::string_view line; lines.Next(&line);) {
    line = text::TrimSpace(line);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = text::TrimSpace(line.substr(0, colon));
    const std::string_view value = text::TrimSpace(line.substr(colon + 1));
    if (key == "replication") {
      config.replication = ParseTransfer(key, value, &config.warnings);
    } else if (key == "migration") {
      config.migration = ParseTransfer(key, value, &config.warnings);
    }
  }
  return config;
}

}  // namespace replwatch::parsers

#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One `vzdump: <id>` section of /etc/pve/jobs.cfg (PVE 7.1+): a scheduled
/// backup job. Only what decides when it runs and what it reads is kept.
struct VzdumpJob {
  std::string id;
  std::string schedule;  // a calendar event
  bool enabled = true;   // a missing `enabled` means enabled
  std::string node;      // only this node backs up; empty = every node
  bool all = false;      // every guest of the node, minus `exclude`
  std::set<std::uint64_t> vmids;
  std::set<std::uint64_t> exclude;
  std::string pool;  // a PVE resource pool: its members are not known here
  std::size_t line = 0;

  /// Whether the job backs up `guest` when it runs on the guest's node.
  /// A job selecting by resource pool is taken to cover every guest.
  bool Covers(std::uint64_t guest) const;
};

struct VzdumpJobs {
  std::vector<VzdumpJob> jobs;
  text::ParseWarnings warnings;
};

/// Parses the SectionConfig file best-effort: other job types (such as
/// `realm-sync`) are skipped, bad lines become warnings. Throws
/// text::ParseError only on NUL bytes.
VzdumpJobs ParseVzdumpJobs(std::string_view text);

}  // namespace replwatch::parsers

#pragma once

// Test-only: the commands the jobs collector runs on node pve1 of cluster
// "lab" and the series names it renders there.

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "collectors/jobs.h"
#include "testing/exposition_checks.h"
#include "testing/scripted_transport.h"

namespace replwatch::testing {

inline const std::string kPvesh =
    "pvesh get /nodes/pve1/replication --output-format json";
inline const std::string kPvesr = "pvesr status";
inline const std::string kCatConfig = "cat /etc/pve/replication.cfg";

inline std::string LogCommand(const std::string& job_id) {
  return "cat /var/log/pve/replicate/" + job_id;
}

/// `name{pve_cluster="lab",job_id=...,guest=...,source="pve1",target=...}`
/// with `extra` (e.g. `,class="ssh"`) appended to the labels.
inline std::string JobSeries(const std::string& name, const std::string& job_id,
                             const std::string& target,
                             const std::string& extra = "") {
  const std::string guest = job_id.substr(0, job_id.find('-'));
  return name + "{pve_cluster=\"lab\",job_id=\"" + job_id + "\",guest=\"" +
         guest + "\",source=\"pve1\",target=\"" + target + "\"" + extra + "}";
}

/// promtool's complaints about `text`; empty when clean.
inline std::string PromtoolComplaints(const std::string& text) {
  const LintResult lint = PromtoolCheckMetrics(text);
  if (lint.exit_status == 0) return "";
  return "promtool exit " + std::to_string(lint.exit_status) + ": " +
         lint.output;
}

/// One jobs cycle on node pve1 of cluster "lab", and its rendered text.
struct JobsRun {
  std::shared_ptr<const JobsFacts> facts;
  std::string text;
};

inline JobsRun CollectJobs(JobsCollector& collector, ScriptedTransport& t) {
  TestContext context;
  context.node.cluster = "lab";
  context.node.name = "pve1";
  auto facts = std::dynamic_pointer_cast<const JobsFacts>(
      collector.Collect(t, context.Get()));
  if (!facts) throw std::logic_error("jobs collector returned other facts");
  return {facts, RenderText(*facts)};
}

}  // namespace replwatch::testing

#pragma once

// Test-only: the commands the jobs collector runs on node pve1 of cluster
// "lab" and the series names it renders there.

#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "collectors/jobs.h"
#include "testing/exposition_checks.h"
#include "testing/scripted_transport.h"
#include "text/json.h"

namespace replwatch::testing {

inline const std::string kCatConfig = "cat /etc/pve/replication.cfg";
inline const std::string kCatVmlist = "cat /etc/pve/.vmlist";
inline const std::string kCatState =
    "cat /var/lib/pve-manager/pve-replication-state.json";
inline const std::string kCatMembers = "cat /etc/pve/.members";
inline const std::string kUtcOffset = "date +%z";

/// The commands that list a node's jobs, in order (jobs::ReadJobStates),
/// before any /proc/<pid>/stat of a running job.
inline std::vector<std::string> JobListCommands() {
  return {kCatConfig, kCatVmlist, kCatState, kCatMembers, kUtcOffset};
}

inline std::string ProcStatCommand(std::int64_t pid) {
  return "cat /proc/" + std::to_string(pid) + "/stat";
}

/// `text` as a JSON string.
inline std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// Answers the files pve1's job list is worked out from so that it lists
/// `jobs`, written as PVE's job status lists jobs (a JSON array of objects
/// with id, target and optionally source, schedule, rate, comment, disable,
/// remove_job, vmtype, last_sync, last_try, fail_count, error, duration,
/// pid): replication.cfg, .vmlist (each guest on pve1), the state file,
/// every node online, a UTC clock, and each pid a process that still runs.
/// next_sync is not an input: replwatch computes it.
inline void AnswerJobFiles(ScriptedTransport& t, const std::string& jobs) {
  std::string cfg;
  std::map<std::string, std::string> guests;  // guest -> its .vmlist entry
  std::map<std::string, std::string> state;   // guest -> its entries
  const text::JsonValue listed = text::ParseJson(jobs);
  for (const text::JsonValue& job : listed.AsArray()) {
    const std::string id = job.Find("id")->AsString();
    const std::string guest = id.substr(0, id.find('-'));
    const std::string target = job.Find("target")->AsString();
    cfg += "local: " + id + "\n\ttarget " + target + "\n";
    for (const char* key : {"source", "schedule", "comment", "remove_job"}) {
      if (const text::JsonValue* v = job.Find(key)) {
        cfg += std::string("\t") + key + " " + v->AsString() + "\n";
      }
    }
    if (const text::JsonValue* rate = job.Find("rate")) {
      cfg += "\trate " + rate->NumberText() + "\n";
    }
    const text::JsonValue* disable = job.Find("disable");
    if (disable && (disable->is_bool() ? disable->AsBool()
                                       : disable->NumberText() != "0")) {
      cfg += "\tdisable\n";
    }
    cfg += "\n";
    const text::JsonValue* vmtype = job.Find("vmtype");
    guests[guest] = JsonString(guest) + ": { \"node\": \"pve1\", \"type\": " +
                    JsonString(vmtype ? vmtype->AsString() : "qemu") +
                    ", \"version\": 1 }";
    std::string entry;
    for (const char* key :
         {"last_sync", "last_try", "fail_count", "duration", "pid"}) {
      if (const text::JsonValue* v = job.Find(key)) {
        entry += std::string(entry.empty() ? "" : ",") + "\"" + key +
                 "\":" + v->NumberText();
      }
    }
    if (const text::JsonValue* error = job.Find("error")) {
      entry += (entry.empty() ? "" : ",") + std::string("\"error\":") +
               JsonString(error->AsString());
    }
    if (const text::JsonValue* pid = job.Find("pid")) {
      // A running pvesr worker: started 1000 ticks after its pid.
      const std::int64_t number = *pid->AsInt64();
      entry += ",\"ptime\":\"" + std::to_string(number + 1000) + "\"";
      t.Answer(ProcStatCommand(number),
               std::to_string(number) +
                   " (pvesr) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 "
                   "0 20 0 1 0 " +
                   std::to_string(number + 1000) + " 0 0\n");
    }
    std::string& of_guest = state[guest];
    of_guest += (of_guest.empty() ? "" : ",") + JsonString("local/" + target) +
                ":{" + entry + "}";
  }
  std::string vmlist;
  for (const auto& [guest, entry] : guests) {
    vmlist += (vmlist.empty() ? "" : ",\n") + entry;
  }
  std::string state_json;
  for (const auto& [guest, entries] : state) {
    state_json += (state_json.empty() ? "" : ",") + JsonString(guest) + ":{" +
                  entries + "}";
  }
  t.Answer(kCatConfig, cfg);
  t.Answer(kCatVmlist,
           "{\n\"version\": 3,\n\"ids\": {\n" + vmlist + "}\n\n}\n");
  t.Answer(kCatState, "{" + state_json + "}");
  t.Answer(kCatMembers,
           R"({"nodename":"pve1","version":3,"nodelist":{"pve1":{"online":1},)"
           R"("pve2":{"online":1},"pve3":{"online":1},"pve4":{"online":1}}})");
  t.Answer(kUtcOffset, "+0000\n");
}

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

/// One collection on pve1 of cluster lab; `first_sightings` is the daemon's
/// (one per call unless given: a new daemon).
inline JobsRun CollectJobs(JobsCollector& collector, ScriptedTransport& t,
                           std::shared_ptr<FirstSightings> first_sightings =
                               std::make_shared<FirstSightings>()) {
  TestContext context;
  context.first_sightings = std::move(first_sightings);
  context.node.cluster = "lab";
  context.node.name = "pve1";
  auto facts = std::dynamic_pointer_cast<const JobsFacts>(
      collector.Collect(t, context.Get()));
  if (!facts) throw std::logic_error("jobs collector returned other facts");
  return {facts, RenderText(*facts)};
}

}  // namespace replwatch::testing

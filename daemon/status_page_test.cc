#include "daemon/status_page.h"

#include <fstream>
#include <regex>

#include "daemon/collection_state.h"
#include "diagnose/runbook_link.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

using diagnose::Severity;

constexpr double kNow = 1800000000;

NodeStatus UpNode(const std::string& name) {
  NodeStatus node;
  node.config.cluster = "lab";
  node.config.name = name;
  node.attempted = true;
  node.up = true;
  auto& collector = node.collectors.emplace_back();
  collector.name = "jobs";
  collector.ran = true;
  collector.success = true;
  return node;
}

diagnose::JobDiagnosis HealthyJob() {
  diagnose::JobDiagnosis job;
  job.cluster = "lab";
  job.job_id = "100-0";
  job.source = "pve1";
  job.target = "pve2";
  job.state = "ok";
  job.severity = Severity::kOk;
  job.schedule = "*/15";
  job.schedule_interval_seconds = 900;
  job.rpo_seconds = 240;
  job.last_sync = kNow - 240;
  job.prerequisites.push_back({"pool rpool on pve2", Severity::kOk,
                               "ONLINE, 40% full",
                               "ReplwatchTargetPoolFilling"});
  auto& volume = job.volumes.emplace_back();
  volume.volume = "rpool/data/vm-100-disk-0";
  volume.severity = Severity::kOk;
  volume.summary = "healthy";
  return job;
}

TEST_CASE("the status page escapes remote-derived text", "[status]") {
  NodeStatus node = UpNode("pve1");
  node.up = false;
  node.last_error = "<script>alert('x')</script> & \"more\"";
  diagnose::Report report;
  report.jobs.push_back(HealthyJob());
  report.jobs[0].state = "failing";
  report.jobs[0].alert = "ReplwatchJobFailing";
  report.jobs[0].error_line = "<b>cannot receive</b>";
  const std::string html = RenderStatusPage({node}, report, kNow, "/metrics");
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
                  "&quot;more&quot;") != std::string::npos);
  CHECK(html.find("<a href=\"/metrics\">") != std::string::npos);
  CHECK(html.find("DOWN") != std::string::npos);
}

TEST_CASE("a healthy report says nothing holds and shows each job's RPO",
          "[status]") {
  diagnose::Report report;
  report.severity = Severity::kOk;
  report.jobs.push_back(HealthyJob());
  const std::string html =
      RenderStatusPage({UpNode("pve1"), UpNode("pve2")}, report, kNow, "/m");
  CHECK(html.find("id=\"nothing\"") != std::string::npos);
  CHECK(html.find("id=\"findings\"") == std::string::npos);
  CHECK(html.find("<meta http-equiv=\"refresh\" content=\"30\">") !=
        std::string::npos);
  // 4 min old against */15's 2 x 15 min + 5 min (ReplwatchJobRPOBreached).
  CHECK(html.find("<td>4 min of 35 min allowed</td><td>4 min ago</td>") !=
        std::string::npos);
  CHECK(html.find("1 volume(s) intact") != std::string::npos);
}

TEST_CASE("what holds links its alert's runbook section, each finding once",
          "[status]") {
  diagnose::Report report;
  report.jobs.push_back(HealthyJob());
  report.jobs.push_back(HealthyJob());
  report.jobs[1].job_id = "101-0";
  for (auto& job : report.jobs) {
    job.prerequisites[0].severity = Severity::kWarning;
    job.prerequisites[0].detail = "ONLINE, 85% full";
  }
  report.jobs[1].state = "failing";
  report.jobs[1].severity = Severity::kCritical;
  report.jobs[1].alert = "ReplwatchJobFailing";
  report.jobs[1].error_line = "No common base snapshot";
  const std::string html =
      RenderStatusPage({UpNode("pve1")}, report, kNow, "/metrics");
  const std::string pool = "pool rpool on pve2: ONLINE, 85% full <a href=\"" +
                           diagnose::RunbookUrl("ReplwatchTargetPoolFilling") +
                           "\">";
  CHECK(html.find(pool) != std::string::npos);
  CHECK(html.find(pool, html.find(pool) + 1) == std::string::npos);
  CHECK(html.find("job 101-0 (pve1 -&gt; pve2): failing: No common base "
                  "snapshot <a href=\"" +
                  diagnose::RunbookUrl("ReplwatchJobFailing") + "\">") !=
        std::string::npos);
  CHECK(html.find("job 100-0 (pve1 -&gt; pve2): ok") == std::string::npos);
}

TEST_CASE("runbook links are the ones the alert rules name", "[status]") {
  std::ifstream file(std::string(REPLWATCH_SOURCE_DIR) +
                     "/alerts/replwatch-alerts.yml");
  const std::string rules((std::istreambuf_iterator<char>(file)),
                          std::istreambuf_iterator<char>());
  const std::regex alert(R"(- alert: (\w+)[^]*?runbook_url: (\S+))");
  int alerts = 0;
  for (auto it = std::sregex_iterator(rules.begin(), rules.end(), alert);
       it != std::sregex_iterator(); ++it, ++alerts) {
    INFO((*it)[1].str());
    CHECK(diagnose::RunbookUrl((*it)[1].str()) == (*it)[2].str());
  }
  CHECK(alerts > 30);
}

}  // namespace
}  // namespace replwatch

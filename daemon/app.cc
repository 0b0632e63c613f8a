#include "daemon/app.h"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <ostream>
#include <tuple>

#include "config/config_loader.h"
#include "config/pve_discovery.h"
#include "config/shard_assignment.h"
#include "daemon/config_problems.h"
#include "daemon/status_page.h"
#include "diagnose/diagnosis.h"

namespace replwatch {
namespace {

using SteadyClock = std::chrono::steady_clock;

double Now() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool SameWorkerSettings(const GlobalSettings& a, const GlobalSettings& b) {
  return std::tie(a.connect_timeout, a.command_timeout, a.max_output_bytes,
                  a.reconnect_backoff_initial, a.reconnect_backoff_max,
                  a.ssh_session_max_age) ==
         std::tie(b.connect_timeout, b.command_timeout, b.max_output_bytes,
                  b.reconnect_backoff_initial, b.reconnect_backoff_max,
                  b.ssh_session_max_age);
}

// Only the daemon keeps its first sightings: `once` and `diagnose` run
// beside it and must not write its file.
std::shared_ptr<FirstSightings> OpenFirstSightings(const Flags& flags) {
  if (flags.mode != Mode::kDaemon) return std::make_shared<FirstSightings>();
  if (flags.state_directory.empty()) {
    spdlog::info(
        "no state directory (--state.directory or the unit's "
        "StateDirectory=): first sightings are kept in memory, so a restart "
        "restarts the clocks of resume-token and never-synced-job alerts");
    return std::make_shared<FirstSightings>();
  }
  auto sightings = std::make_shared<FirstSightings>(flags.state_directory +
                                                    "/first-sightings");
  if (!sightings->problem().empty()) {
    spdlog::error("state file {}", sightings->problem());
  } else {
    spdlog::info("first sightings kept in {}", sightings->path());
  }
  return sightings;
}

}  // namespace

// One periodic (node, collector) pair: its own timer, never overlapping
// itself (the worker's in-flight flag), next run computed from the previous
// deadline so it does not drift.
struct App::ScheduledRun {
  ScheduledRun(boost::asio::io_context& io, std::shared_ptr<NodeWorker> w,
               std::size_t i, std::chrono::milliseconds every)
      : worker(std::move(w)), index(i), interval(every), timer(io) {}
  std::shared_ptr<NodeWorker> worker;
  std::size_t index;
  std::chrono::milliseconds interval;
  boost::asio::steady_timer timer;
  SteadyClock::time_point next;
  bool stopped = false;
};

App::App(boost::asio::io_context& io, Flags flags)
    : io_(io),
      flags_(std::move(flags)),
      first_sightings_(OpenFirstSightings(flags_)),
      signals_(io, SIGINT, SIGTERM, SIGHUP),
      random_(std::random_device{}()) {}

App::~App() {
  stopping_ = true;  // A reload that finishes now is not applied.
  StopSchedules();
  if (http_) http_->Stop();
  for (const auto& worker : workers_) worker->Cancel();
  // Cancelled workers finish their queued runs at once; then run what they
  // posted back so no handler owning a worker, timer or connection outlives
  // the objects it points into (the io_context is destroyed after us).
  if (pool_) pool_->join();
  io_.restart();
  io_.poll();
}

Config App::ReadConfig(const Flags& flags) {
  if (flags.pve_discover && access(flags.config_file.c_str(), F_OK) == 0) {
    spdlog::info(
        "--pve.discover: {} is not read, the PVE cluster is discovered",
        flags.config_file);
  }
  return LoadOrDiscoverConfig(ConfigChoiceOf(flags), AllCollectorNames());
}

ShardStatus App::KeepOwnClusters(const Flags& flags, Config& config) {
  const ShardSpec shard = flags.shard ? *flags.shard : config.global.shard;
  config.global.shard = shard;
  const std::size_t configured = ClusterNames(config.nodes).size();
  config.nodes = NodesOfShard(config.nodes, shard);
  const auto owned = ClusterNames(config.nodes);
  if (owned.empty()) {
    spdlog::warn(
        "shard {} owns none of the {} configured clusters; serving only "
        "self-metrics",
        ToString(shard), configured);
  } else {
    spdlog::info("shard {} owns {} of {} clusters ({} nodes): {}",
                 ToString(shard), owned.size(), configured, config.nodes.size(),
                 fmt::join(owned, ", "));
  }
  return {shard, configured};
}

bool App::LoadInitialConfig() {
  ShardStatus shard;
  try {
    config_ = ReadConfig(flags_);
    shard = KeepOwnClusters(flags_, config_);
  } catch (const ConfigError& e) {
    LogProblems(e.problems());
    return false;
  }
  pool_ = std::make_shared<boost::asio::thread_pool>(
      static_cast<std::size_t>(config_.global.max_concurrent_nodes));
  Apply(config_);
  state_.SetShard(shard);
  RecordReload(true);
  spdlog::info("loaded {} with {} nodes", config_.source_file,
               config_.nodes.size());
  return true;
}

void App::RecordReload(bool success) {
  if (success) last_reload_success_ = Now();
  state_.SetReload({success, last_reload_success_});
}

void App::Apply(const Config& config) {
  const bool reuse = SameWorkerSettings(config.global, config_.global);
  std::vector<std::shared_ptr<NodeWorker>> next;
  for (const auto& node : config.nodes) {
    std::shared_ptr<NodeWorker> worker;
    for (const auto& old : workers_) {
      if (reuse && old->config() == node) worker = old;
    }
    if (!worker) {
      std::vector<PeerNode> peers;
      for (const auto& other : config.nodes) {
        if (other.cluster == node.cluster && other.name != node.name) {
          peers.push_back({other.name, other.address});
        }
      }
      worker = std::make_shared<NodeWorker>(
          node, std::move(peers), config.global, pool_, first_sightings_);
    }
    next.push_back(worker);
  }
  for (const auto& old : workers_) {
    bool kept = false;
    for (const auto& worker : next) kept = kept || worker == old;
    if (!kept) old->Cancel();  // its in-flight run ends promptly
  }
  workers_ = std::move(next);
  config_ = config;
  state_.SetNodes(workers_);
}

std::chrono::milliseconds App::IntervalOf(std::string_view collector) const {
  const auto it = config_.collectors.find(std::string(collector));
  if (it != config_.collectors.end() && it->second.interval.count() > 0) {
    return it->second.interval;
  }
  return config_.global.collection_interval;
}

bool App::Enabled(std::string_view collector) const {
  const auto it = config_.collectors.find(std::string(collector));
  return it == config_.collectors.end() || it->second.enabled;
}

void App::StartSchedules() {
  for (const auto& worker : workers_) {
    for (std::size_t i = 0; i < worker->collector_count(); ++i) {
      const auto name = worker->collector_name(i);
      if (!Enabled(name)) continue;
      auto run =
          std::make_shared<ScheduledRun>(io_, worker, i, IntervalOf(name));
      // Spread the first runs so N nodes do not all connect at once.
      const auto splay_range = std::min(run->interval, config_.global.jitter);
      std::uniform_int_distribution<long> splay(0, splay_range.count());
      run->next =
          SteadyClock::now() + std::chrono::milliseconds(splay(random_));
      runs_.push_back(run);
      Arm(run);
    }
    // Idle sessions are kept alive (and dead ones noticed) between runs.
    auto keepalive = std::make_shared<ScheduledRun>(
        io_, worker, 0, config_.global.keepalive_interval);
    keepalive->next = SteadyClock::now() + keepalive->interval;
    keepalives_.push_back(keepalive);
    ArmKeepalive(keepalive);
  }
}

void App::ArmKeepalive(const std::shared_ptr<ScheduledRun>& keepalive) {
  keepalive->timer.expires_at(keepalive->next);
  keepalive->timer.async_wait(
      [this, keepalive](const boost::system::error_code& error) {
        if (error || keepalive->stopped) return;
        keepalive->worker->Keepalive();
        keepalive->next += keepalive->interval;
        ArmKeepalive(keepalive);
      });
}

void App::StopSchedules() {
  for (auto* list : {&runs_, &keepalives_}) {
    for (const auto& run : *list) {
      run->stopped = true;
      run->timer.cancel();
    }
    list->clear();
  }
}

void App::Arm(const std::shared_ptr<ScheduledRun>& run) {
  run->timer.expires_at(run->next);
  run->timer.async_wait([this, run](const boost::system::error_code& error) {
    if (error || run->stopped) return;
    Fire(run);
  });
}

void App::Fire(const std::shared_ptr<ScheduledRun>& run) {
  const long jitter = config_.global.jitter.count() / 2;
  std::uniform_int_distribution<long> offset(-jitter, jitter);
  run->next += run->interval + std::chrono::milliseconds(offset(random_));
  if (run->next < SteadyClock::now()) {
    run->next = SteadyClock::now() + run->interval;  // skip, do not burst
  }
  Arm(run);
  if (run->worker->in_flight()[run->index]) {
    spdlog::debug("{}/{} {}: previous run still in flight, skipping",
                  run->worker->config().cluster, run->worker->config().name,
                  run->worker->collector_name(run->index));
    return;
  }
  Collect(run->worker, run->index, [] {});
}

void App::Collect(const std::shared_ptr<NodeWorker>& worker, std::size_t index,
                  std::function<void()> after) {
  worker->in_flight()[index] = true;
  worker->Collect(
      index, io_,
      [this, worker, after = std::move(after)](CollectionOutcome outcome) {
        worker->in_flight()[outcome.collector_index] = false;
        state_.Record(worker->config(), std::move(outcome));
        after();
      });
}

void App::CollectEveryNodeOnce() {
  auto outstanding = std::make_shared<int>(0);
  for (const auto& worker : workers_) {
    for (std::size_t i = 0; i < worker->collector_count(); ++i) {
      if (Enabled(worker->collector_name(i))) ++*outstanding;
    }
  }
  if (*outstanding == 0) return;
  // Results come back from the pool; keep run() waiting for them.
  auto guard = std::make_shared<
      boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
      io_.get_executor());
  for (const auto& worker : workers_) {
    for (std::size_t i = 0; i < worker->collector_count(); ++i) {
      if (!Enabled(worker->collector_name(i))) continue;
      Collect(worker, i, [outstanding, guard] {
        if (--*outstanding == 0) guard->reset();
      });
    }
  }
  io_.run();
}

int App::RunOnce(std::ostream& out) {
  CollectEveryNodeOnce();
  out << state_.Exposition();
  out.flush();
  return 0;
}

diagnose::Report App::Diagnose(const diagnose::Filter& filter) const {
  std::vector<diagnose::NodeProblem> unreachable;
  for (const auto& node : state_.nodes()) {
    if (node.attempted && !node.up) {
      unreachable.push_back(
          {node.config.cluster, node.config.name, node.last_error});
    }
  }
  return diagnose::Diagnose(*state_.Analyses(), std::move(unreachable), filter);
}

int App::RunDiagnose(const diagnose::Filter& filter, bool json,
                     std::ostream& out) {
  CollectEveryNodeOnce();
  const diagnose::Report report = Diagnose(filter);
  out << (json ? diagnose::RenderJson(report) : diagnose::RenderText(report));
  out.flush();
  return static_cast<int>(report.severity);
}

int App::RunDaemon() {
  http_ = std::make_unique<web::HttpServer>(
      io_, [this](const web::Request& request) { return Handle(request); });
  if (!LoadWebConfigFile()) return 1;
  try {
    http_->Listen(flags_.listen_addresses);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  StartSchedules();
  WaitForSignal();
  io_.run();
  spdlog::info("stopped");
  return 0;
}

void App::WaitForSignal() {
  signals_.async_wait(
      [this](const boost::system::error_code& error, int signal) {
        if (error) return;
        if (signal == SIGHUP) {
          Reload();
          WaitForSignal();
          return;
        }
        spdlog::info("signal {} received, shutting down", signal);
        Shutdown();
      });
}

void App::Shutdown() {
  if (stopping_) return;
  stopping_ = true;
  StopSchedules();
  signals_.cancel();
  if (http_) http_->Stop();
  for (const auto& worker : workers_) worker->Cancel();
  io_.stop();
}

web::Response App::Handle(const web::Request& request) {
  web::Response response;
  if (request.path == flags_.telemetry_path) {
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.shared_body = state_.SharedExposition();
  } else if (request.path == "/") {
    response.content_type = "text/html; charset=utf-8";
    // Jobs are judged again only when the facts changed: a flood of page
    // loads costs HTML, not a diagnosis each, on the thread that answers
    // scrapes.
    if (!status_report_ || status_report_changes_ != state_.changes()) {
      status_report_ = Diagnose({});
      status_report_changes_ = state_.changes();
    }
    response.body =
        RenderStatusPage(state_.nodes(), *status_report_, SystemClockSeconds(),
                         flags_.telemetry_path);
  } else if (request.path == "/-/healthy") {
    response.body = "OK\n";
  } else {
    response.status = 404;
    response.body = "not found\n";
  }
  return response;
}

}  // namespace replwatch

#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <iosfwd>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "config/config.h"
#include "daemon/collection_state.h"
#include "daemon/config_reader.h"
#include "daemon/flags.h"
#include "daemon/node_worker.h"
#include "diagnose/diagnosis.h"
#include "web/http_server.h"

namespace replwatch {

/// The daemon: one io_context drives the schedules, the HTTP endpoint and
/// the signals; blocking node work runs on a bounded thread pool.
class App {
 public:
  App(boost::asio::io_context& io, Flags flags);
  ~App();

  /// Loads --config.file; false (after logging every problem) if invalid.
  bool LoadInitialConfig();
  /// Serves until SIGTERM/SIGINT; returns the process exit code.
  int RunDaemon();
  /// Runs every enabled collector once on every node, writes the
  /// exposition to `out` and returns the exit code.
  int RunOnce(std::ostream& out);
  /// Runs every collector once and prints the diagnosis of the jobs that
  /// `filter` selects; returns the Nagios-style exit code (0 OK, 1 WARNING,
  /// 2 CRITICAL, 3 UNKNOWN).
  int RunDiagnose(const diagnose::Filter& filter, bool json, std::ostream& out);

 private:
  struct ScheduledRun;

  // Static: a reload runs these on a thread that may outlive the App.
  static Config ReadConfig(const Flags& flags);  // the file, or discovery
  // Drops the clusters other shards own from `config`; logs what is kept.
  static ShardStatus KeepOwnClusters(const Flags& flags, Config& config);
  static ReadConfigs ReadForReload(const Flags& flags);
  void Apply(const Config& config);
  // For replwatch_config_last_reload_successful and its timestamp.
  void RecordReload(bool success);
  void CollectEveryNodeOnce();
  // The diagnosis of the jobs `filter` selects, from the facts held now.
  diagnose::Report Diagnose(const diagnose::Filter& filter) const;
  void StartSchedules();
  void StopSchedules();
  void Arm(const std::shared_ptr<ScheduledRun>& run);
  void ArmKeepalive(const std::shared_ptr<ScheduledRun>& keepalive);
  void Fire(const std::shared_ptr<ScheduledRun>& run);
  void Collect(const std::shared_ptr<NodeWorker>& worker, std::size_t index,
               std::function<void()> after);
  std::chrono::milliseconds IntervalOf(std::string_view collector) const;
  bool Enabled(std::string_view collector) const;
  void WaitForSignal();
  // Loads --web.config.file into the server, if given; false (after
  // logging every problem) if it is invalid. Any thread.
  bool LoadWebConfigFile() const;
  // SIGHUP: the files are read and parsed by config_reader_, so a big,
  // slow or hung file never holds up the io thread, which answers scrapes.
  void Reload();
  void FinishReload(ReadConfigs read);
  void Shutdown();
  web::Response Handle(const web::Request& request);

  boost::asio::io_context& io_;
  Flags flags_;
  Config config_;
  std::shared_ptr<boost::asio::thread_pool> pool_;
  // The daemon's, kept in --state.directory: a reload's new workers and a
  // restarted process find the first sightings of the old ones.
  std::shared_ptr<FirstSightings> first_sightings_;
  std::vector<std::shared_ptr<NodeWorker>> workers_;
  std::vector<std::shared_ptr<ScheduledRun>> runs_;
  std::vector<std::shared_ptr<ScheduledRun>> keepalives_;
  CollectionState state_;
  // The status page's diagnosis, of the facts at state_.changes() then.
  std::optional<diagnose::Report> status_report_;
  std::uint64_t status_report_changes_ = 0;
  std::unique_ptr<web::HttpServer> http_;
  boost::asio::signal_set signals_;
  std::mt19937_64 random_;
  double last_reload_success_ = 0;  // epoch seconds
  bool stopping_ = false;
  ConfigReader config_reader_{io_};
  bool reload_again_ = false;  // SIGHUP while reading: once more after
};

}  // namespace replwatch

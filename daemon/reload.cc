// App's config reload on SIGHUP (see app.h).

#include <spdlog/spdlog.h>

#include <memory>

#include "config/config_loader.h"
#include "daemon/app.h"
#include "daemon/config_problems.h"
#include "web/web_config.h"

namespace replwatch {

ReadConfigs App::ReadForReload(const Flags& flags) {
  ReadConfigs read;
  try {
    Config next = ReadConfig(flags);
    read.shard = KeepOwnClusters(flags, next);
    read.config = std::move(next);
  } catch (const ConfigError& e) {
    read.problems = e.problems();
    return read;
  } catch (const std::exception& e) {
    read.problems = {e.what()};
    return read;
  }
  if (flags.web_config_file.empty()) return read;
  try {
    read.web_config = std::make_shared<const web::WebConfig>(
        web::LoadWebConfig(flags.web_config_file));
  } catch (const std::exception& e) {
    read.web_problems = SplitLines(e.what());
  }
  return read;
}

bool App::LoadWebConfigFile() const {
  if (flags_.web_config_file.empty()) return true;
  try {
    http_->SetWebConfig(std::make_shared<const web::WebConfig>(
        web::LoadWebConfig(flags_.web_config_file)));
    return true;
  } catch (const std::exception& e) {
    LogProblems(SplitLines(e.what()), "web config: ");
    return false;
  }
}

void App::Reload() {
  if (config_reader_.running()) {
    spdlog::warn(
        "SIGHUP: still reading the config for the last one; "
        "reloading again once that is done");
    reload_again_ = true;  // The file may have changed after it was read.
    return;
  }
  spdlog::info("SIGHUP: reloading {}", config_.source_file);
  config_reader_.Start(
      // A copy of the flags: the thread may outlive the App.
      [flags = flags_] { return ReadForReload(flags); },
      [this](ReadConfigs read) { FinishReload(std::move(read)); });
}

void App::FinishReload(ReadConfigs read) {
  if (stopping_) return;
  if (!read.config) {
    LogProblems(read.problems);
    spdlog::error("new config is invalid; keeping the running one");
    RecordReload(false);
  } else {
    if (read.config->global.max_concurrent_nodes !=
        config_.global.max_concurrent_nodes) {
      spdlog::warn("max_concurrent_nodes changes need a restart");
    }
    if (!read.web_problems.empty()) {
      LogProblems(read.web_problems, "web config: ");
      spdlog::error("web config is invalid; keeping the running one");
    } else if (read.web_config) {
      try {
        http_->SetWebConfig(std::move(read.web_config));
      } catch (const std::exception& e) {
        spdlog::error("web config: {}; keeping the running one", e.what());
      }
    }
    StopSchedules();
    Apply(*read.config);
    state_.SetShard(read.shard);
    StartSchedules();
    RecordReload(true);
    spdlog::info("reloaded: {} nodes", config_.nodes.size());
  }
  if (reload_again_) {
    reload_again_ = false;
    Reload();
  }
}

}  // namespace replwatch

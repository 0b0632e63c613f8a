#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <iostream>

#include "collectors/collector.h"
#include "config/config_loader.h"
#include "daemon/app.h"
#include "daemon/config_problems.h"
#include "daemon/flags.h"
#include "daemon/forced_command.h"
#include "daemon/logging.h"
#include "daemon/version.h"
#include "web/web_config.h"

namespace {

// Every problem goes to stderr, each line cut to a readable length.
void PrintProblems(const std::vector<std::string>& problems) {
  for (const auto& line : replwatch::ProblemLines(problems, problems.size())) {
    std::cerr << line << "\n";
  }
}

int CheckConfig(const replwatch::Flags& flags) {
  int status = 0;
  try {
    // The daemon's choice: the config file, or discovery on a PVE node.
    const replwatch::Config config = replwatch::LoadOrDiscoverConfig(
        replwatch::ConfigChoiceOf(flags), replwatch::AllCollectorNames());
    std::cout << config.source_file << ": OK (" << config.nodes.size()
              << " nodes)\n";
  } catch (const replwatch::ConfigError& e) {
    PrintProblems(e.problems());
    status = 1;
  }
  if (flags.web_config_file.empty()) return status;
  try {
    replwatch::web::LoadWebConfig(flags.web_config_file);
    std::cout << flags.web_config_file << ": OK\n";
  } catch (const std::exception& e) {
    PrintProblems(replwatch::SplitLines(e.what()));
    status = 1;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto flags = replwatch::ParseFlags(args, error);
  if (!flags) {
    std::cerr << "replwatch: " << error << "\n\n" << replwatch::UsageText();
    return replwatch::UsageErrorStatus(args);
  }
  switch (flags->mode) {
    case replwatch::Mode::kHelp:
      std::cout << replwatch::UsageText();
      return 0;
    case replwatch::Mode::kVersion:
      std::cout << "replwatch " << replwatch::kVersion << " (revision "
                << replwatch::kRevision << ")\n";
      return 0;
    case replwatch::Mode::kCheckConfig:
      return CheckConfig(*flags);
    case replwatch::Mode::kForcedCommand:
      return replwatch::RunForcedCommand();
    default:
      break;
  }
  // diagnose prints a report: keep routine log lines out of the way.
  replwatch::SetUpLogging(flags->mode == replwatch::Mode::kDiagnose &&
                                  flags->log_level == "info"
                              ? "error"
                              : flags->log_level);
  try {
    boost::asio::io_context io;
    replwatch::App app(io, *flags);
    if (!app.LoadInitialConfig()) {
      return flags->mode == replwatch::Mode::kDiagnose ? 3 : 1;
    }
    if (flags->mode == replwatch::Mode::kOnce) return app.RunOnce(std::cout);
    if (flags->mode == replwatch::Mode::kDiagnose) {
      return app.RunDiagnose({flags->job, flags->node, flags->guest},
                             flags->json_output, std::cout);
    }
    return app.RunDaemon();
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return flags->mode == replwatch::Mode::kDiagnose ? 3 : 1;
  }
}

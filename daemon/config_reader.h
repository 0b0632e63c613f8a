#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/collection_state.h"
#include "web/web_config.h"

namespace replwatch {

/// What a reload read from the config files.
struct ReadConfigs {
  std::optional<Config> config;  ///< nullopt: invalid, see problems
  ShardStatus shard;
  std::vector<std::string> problems;
  /// Null if no --web.config.file was given or it is invalid.
  std::shared_ptr<const web::WebConfig> web_config;
  std::vector<std::string> web_problems;
};

/// Reads config files on a detached thread of its own, one read at a time,
/// and hands the result to the io thread. Reading may block for as long as
/// the file system likes (a hung mount, a named pipe); a read still running
/// when the reader is destroyed is abandoned, so shutdown never waits for
/// it, and its result is dropped. The read function must therefore own
/// everything it uses.
class ConfigReader {
 public:
  explicit ConfigReader(boost::asio::io_context& io);
  ~ConfigReader();
  ConfigReader(const ConfigReader&) = delete;
  ConfigReader& operator=(const ConfigReader&) = delete;

  /// io thread, not while running(). Runs `read`, then `done` with its
  /// result on the io thread (with a problem if no thread could be made).
  void Start(std::function<ReadConfigs()> read,
             std::function<void(ReadConfigs)> done);
  bool running() const { return running_; }

 private:
  struct Channel;  // Shared with the reading thread.

  boost::asio::io_context& io_;
  std::shared_ptr<Channel> channel_;
  bool running_ = false;
};

}  // namespace replwatch

#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "transport/command_id.h"

namespace replwatch {

/// Thrown when a command is not on the allow-list or an argument fails its
/// validation (a hostile or malformed name).
class CommandRejected : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The allow-list's name of command `id` ("zpool-status").
std::string_view CommandName(CommandId id);

/// A read-only command taken from the allow-list (command_allowlist.cc),
/// with validated arguments. Only the allow-list can create one, so a
/// transport can never be asked to run anything else.
class RemoteCommand {
 public:
  CommandId id() const { return id_; }
  /// The allow-list's name of the command ("zpool-status"), for messages.
  std::string_view name() const { return CommandName(id_); }
  const std::vector<std::string>& argv() const { return argv_; }

  /// The line sent to a remote shell: every word single-quoted, run under
  /// LC_ALL=C and bounded on the node by coreutils `timeout` so a hung
  /// command does not outlive our deadline.
  std::string ShellLine(std::chrono::seconds remote_timeout) const;

 private:
  friend RemoteCommand MakeCommand(CommandId id,
                                   const std::vector<std::string>& args);
  friend std::optional<RemoteCommand> MatchAllowListed(
      const std::vector<std::string>& argv);
  RemoteCommand(CommandId id, std::vector<std::string> argv)
      : id_(id), argv_(std::move(argv)) {}

  CommandId id_;
  std::vector<std::string> argv_;
};

/// Quotes one word for a POSIX shell ('...' with embedded ' escaped).
std::string ShellQuote(std::string_view word);

/// Builds allow-listed command `id` with `args` filling its placeholders.
/// Throws CommandRejected for a wrong argument count or an argument that
/// fails its placeholder's validation.
RemoteCommand MakeCommand(CommandId id,
                          std::initializer_list<std::string> args = {});
/// The same, for a command whose last placeholder takes a list (datasets).
RemoteCommand MakeCommand(CommandId id, const std::vector<std::string>& args);

/// The most dataset names one command may carry.
inline constexpr std::size_t kMaxDatasetsPerCommand = 256;

/// Every allow-listed command (for tests and documentation).
std::vector<CommandId> AllowListedCommands();

/// The allow-listed command whose argv is exactly `argv` (placeholders
/// validated), or nullopt: the check a node-side forced command applies.
std::optional<RemoteCommand> MatchAllowListed(
    const std::vector<std::string>& argv);

/// Splits a ShellLine() back into its timeout and argv; nullopt unless the
/// line has exactly that shape (every word single-quoted, nothing else).
struct ParsedShellLine {
  std::chrono::seconds timeout{0};
  std::vector<std::string> argv;
};
std::optional<ParsedShellLine> ParseShellLine(std::string_view line);

}  // namespace replwatch

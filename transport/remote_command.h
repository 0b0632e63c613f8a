#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace replwatch {

/// Thrown when a command is not on the allow-list or an argument fails its
/// validation (a hostile or malformed name).
class CommandRejected : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A read-only command taken from the allow-list (command_allowlist.cc),
/// with validated arguments. Only the allow-list can create one, so a
/// transport can never be asked to run anything else.
class RemoteCommand {
 public:
  const std::string& id() const { return id_; }
  const std::vector<std::string>& argv() const { return argv_; }

  /// The line sent to a remote shell: every word single-quoted, run under
  /// LC_ALL=C and bounded on the node by coreutils `timeout` so a hung
  /// command does not outlive our deadline.
  std::string ShellLine(std::chrono::seconds remote_timeout) const;

 private:
  friend RemoteCommand MakeCommand(std::string_view id,
                                   const std::vector<std::string>& args);
  friend std::optional<RemoteCommand> MatchAllowListed(
      const std::vector<std::string>& argv);
  RemoteCommand(std::string id, std::vector<std::string> argv)
      : id_(std::move(id)), argv_(std::move(argv)) {}

  std::string id_;
  std::vector<std::string> argv_;
};

/// Quotes one word for a POSIX shell ('...' with embedded ' escaped).
std::string ShellQuote(std::string_view word);

/// Builds allow-listed command `id` with `args` filling its placeholders.
/// Throws CommandRejected for an unknown id, a wrong argument count or an
/// argument that fails its placeholder's validation.
RemoteCommand MakeCommand(std::string_view id,
                          std::initializer_list<std::string> args = {});
/// The same, for a command whose last placeholder takes a list (datasets).
RemoteCommand MakeCommand(std::string_view id,
                          const std::vector<std::string>& args);

/// The most dataset names one command may carry.
inline constexpr std::size_t kMaxDatasetsPerCommand = 256;

/// The ids of every allow-listed command (for tests and documentation).
std::vector<std::string> AllowListedCommandIds();

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

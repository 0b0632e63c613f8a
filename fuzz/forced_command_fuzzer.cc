// The node-side forced-command guard on hostile command lines, plus the
// allow-list's argument validation. Besides sanitizer findings it aborts when
// a command the daemon can build does not survive ShellLine -> ParseShellLine
// -> MatchAllowListed unchanged: the guard must accept exactly what we send.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transport/remote_command.h"

namespace {

using replwatch::RemoteCommand;

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    lines.emplace_back(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  return lines;
}

void CheckRoundTrip(const RemoteCommand& command) {
  const auto parsed =
      replwatch::ParseShellLine(command.ShellLine(std::chrono::seconds(31)));
  const auto matched =
      parsed ? replwatch::MatchAllowListed(parsed->argv) : std::nullopt;
  if (!matched || matched->argv() != command.argv() ||
      matched->id() != command.id()) {
    std::fprintf(stderr, "round trip lost command '%s'\n",
                 std::string(command.name()).c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto parsed = replwatch::ParseShellLine(text)) {
    if (const auto command = replwatch::MatchAllowListed(parsed->argv)) {
      CheckRoundTrip(*command);
    }
  }
  // The same bytes as an argv, one word per line, and as placeholder values.
  const std::vector<std::string> words = SplitLines(text);
  if (const auto command = replwatch::MatchAllowListed(words)) {
    CheckRoundTrip(*command);
  }
  const std::string first = words.empty() ? "" : words[0];
  const std::string second = words.size() < 2 ? "" : words[1];
  for (const replwatch::CommandId id : replwatch::AllowListedCommands()) {
    try {
      CheckRoundTrip(replwatch::MakeCommand(id));
    } catch (const replwatch::CommandRejected&) {
    }
    try {
      CheckRoundTrip(replwatch::MakeCommand(id, {first}));
    } catch (const replwatch::CommandRejected&) {
    }
    try {
      CheckRoundTrip(replwatch::MakeCommand(id, {first, second}));
    } catch (const replwatch::CommandRejected&) {
    }
  }
  return 0;
}

#include "collectors/checked_command.h"

#include "collectors/collector.h"
#include "collectors/parsers/date_parser.h"
#include "text/text_scan.h"

namespace replwatch {

std::string RunExpectingSuccess(Transport& transport, CommandId id) {
  CommandResult result = transport.Run(MakeCommand(id));
  if (result.exit_status != 0) {
    std::string_view err = result.err;
    const std::string_view first_line = text::SplitAt(&err, '\n');
    throw CollectorError(std::string(CommandName(id)) + " exited with status " +
                         std::to_string(result.exit_status) + ": " +
                         text::Printable(first_line, 200));
  }
  return std::move(result.out);
}

std::int64_t ReadUtcOffset(Transport& transport) {
  std::string text = RunExpectingSuccess(transport, CommandId::kDateUtcOffset);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  const auto offset = parsers::ParseUtcOffset(text);
  if (!offset) {
    throw CollectorError("date +%z printed '" + text::Printable(text) +
                         "', not a UTC offset");
  }
  return *offset;
}

std::optional<std::string> ReadOptionalFile(Transport& transport, CommandId id,
                                            std::string_view if_unreadable,
                                            text::ParseWarnings& warnings) {
  const RemoteCommand command = MakeCommand(id);
  // The file (or directory) the command reads is its last word.
  const std::string& path = command.argv().back();
  CommandResult result = transport.Run(command);
  if (result.exit_status == 0) return std::move(result.out);
  if (text::Contains(result.err, "No such file or directory")) return "";
  std::string_view err = result.err;
  const std::string_view first_line = text::SplitAt(&err, '\n');
  warnings.Add(path + ": exit status " + std::to_string(result.exit_status) +
               " (" + text::Printable(first_line) + "); " +
               std::string(if_unreadable));
  return std::nullopt;
}

std::string FileTextOrEmpty(Transport& transport, CommandId id,
                            std::string_view if_unreadable) {
  text::ParseWarnings why;
  std::optional<std::string> text =
      ReadOptionalFile(transport, id, if_unreadable, why);
  if (!text) throw CollectorError(why[0].message);
  return std::move(*text);
}

}  // namespace replwatch

#include "collectors/checked_command.h"

#include "collectors/collector.h"
#include "text/text_scan.h"

namespace replwatch {

std::string RunExpectingSuccess(Transport& transport, std::string_view id) {
  CommandResult result = transport.Run(MakeCommand(id));
  if (result.exit_status != 0) {
    std::string_view err = result.err;
    const std::string_view first_line = text::SplitAt(&err, '\n');
    throw CollectorError(std::string(id) + " exited with status " +
                         std::to_string(result.exit_status) + ": " +
                         text::Printable(first_line, 200));
  }
  return std::move(result.out);
}

}  // namespace replwatch

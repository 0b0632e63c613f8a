#include "collectors/parsers/task_list_parser.h"

#include <utility>

#include "text/name_rules.h"
#include "text/text_scan.h"

namespace replwatch::parsers {
namespace {

std::optional<std::uint64_t> ParseHex(std::string_view text,
                                      std::size_t min_digits,
                                      std::size_t max_digits) {
  if (text.size() < min_digits || text.size() > max_digits) return {};
  std::uint64_t value = 0;
  for (const char c : text) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (digit < 0) return {};
    value = value * 16 + static_cast<std::uint64_t>(digit);
  }
  return value;
}

// A type, id or user field: no ':', '/' or white space (PVE/UPID.pm).
bool IsUpidWord(std::string_view word, bool may_be_empty) {
  if (word.empty()) return may_be_empty;
  return word.size() <= 128 &&
         word.find_first_of(":/ \t") == std::string_view::npos &&
         text::IsPrintableToken(word, 128);
}

// PVE::UPID::decode.
std::optional<PveTask> DecodeUpid(std::string_view upid) {
  if (!text::StartsWith(upid, "UPID:") || upid.back() != ':') return {};
  // Between "UPID:" and the final ':': exactly seven fields.
  const std::string_view inner = upid.substr(5, upid.size() - 6);
  std::string_view f[7];
  std::size_t begin = 0;
  for (std::size_t i = 0; i < 7; ++i) {
    const std::size_t colon = inner.find(':', begin);
    if ((colon == std::string_view::npos) != (i == 6)) return {};
    f[i] = inner.substr(begin, colon - begin);
    begin = colon + 1;
  }
  const auto pid = ParseHex(f[1], 8, 8);
  const auto pstart = ParseHex(f[2], 8, 9);
  const auto start = ParseHex(f[3], 8, 8);
  if (!text::IsValidNodeName(f[0]) || !pid || !pstart || !start ||
      !IsUpidWord(f[4], false) || !IsUpidWord(f[5], true) ||
      !IsUpidWord(f[6], false)) {
    return {};
  }
  PveTask task;
  task.node = std::string(f[0]);
  task.pid = *pid;
  task.start = static_cast<std::int64_t>(*start);
  task.type = std::string(f[4]);
  task.id = std::string(f[5]);
  task.user = std::string(f[6]);
  return task;
}

std::optional<PveTask> ParseLine(std::string_view line) {
  std::string_view rest = line;
  const std::string_view upid = text::SplitAt(&rest, ' ');
  std::optional<PveTask> task = DecodeUpid(upid);
  if (!task) return {};
  const std::string_view saved = text::SplitAt(&rest, ' ');
  if (saved != "0" && saved != "1") return {};
  if (rest.empty()) return task;  // running
  const std::string_view end_text = text::SplitAt(&rest, ' ');
  const auto end = ParseHex(end_text, 8, 8);
  if (!end) return {};
  task->end = static_cast<std::int64_t>(*end);
  task->status = text::Printable(text::TrimSpace(rest), 200);
  return task;
}

}  // namespace

PveTaskList ParseActiveTasks(std::string_view text) {
  text::RejectNulBytes(text, "the task list");
  PveTaskList out;
  text::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (text::TrimSpace(line).empty()) continue;
    if (auto task = ParseLine(line)) {
      out.tasks.push_back(std::move(*task));
    } else {
      out.warnings.push_back(
          {lines.line_number(),
           "not a task line: '" + text::Printable(line) + "'"});
    }
  }
  return out;
}

}  // namespace replwatch::parsers

#pragma once

// Test support: what reading a snapshot listing gives, as text (one line
// per snapshot, then the error if any), by the streaming reader and by
// ParseSnapshotLine on each line in turn: the reference the reader's fast
// path must match. Used by the unit test and the fuzzer.

#include <string>
#include <string_view>

#include "collectors/parsers/zfs_snapshot_list_parser.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch::parsers::testing {

// What reading `text` gives, as text: one line per snapshot, or the error.
template <typename ReadLines>
inline std::string Outcome(ReadLines read_lines) {
  std::string outcome;
  try {
    read_lines([&outcome](const SnapshotLine& s) {
      outcome += std::string(s.dataset) + "|" + std::string(s.snapshot) + "|" +
                 std::to_string(s.guid) + "|" + std::to_string(s.createtxg) +
                 "|" + (s.creation ? std::to_string(*s.creation) : "none") +
                 "\n";
    });
  } catch (const text::ParseError& e) {
    outcome += "error at line " + std::to_string(e.line().value_or(0)) + ": " +
               e.what();
  }
  return outcome;
}

// The reference: ParseSnapshotLine on each line in turn.
inline std::string ReferenceOutcome(std::string_view text,
                                    std::size_t columns) {
  return Outcome([&](auto take) {
    text::RejectNulBytes(text, "zfs list");
    text::LineReader lines(text);
    std::string_view line;
    SnapshotLine snapshot;
    while (lines.Next(&line)) {
      if (line.empty()) continue;
      ParseSnapshotLine(line, lines.line_number(), &columns, &snapshot);
      take(snapshot);
    }
  });
}

inline std::string ReaderOutcome(std::string_view text, std::size_t columns) {
  return Outcome([&](auto take) {
    ZfsSnapshotListReader reader(text, columns);
    SnapshotLine snapshot;
    while (reader.Next(&snapshot)) take(snapshot);
  });
}

}  // namespace replwatch::parsers::testing

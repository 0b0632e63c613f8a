#include "config/yaml_text_check.h"

#include <cstdio>
#include <vector>

namespace replwatch {
namespace {

std::string DescribeControlByte(unsigned char byte) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", byte);
  std::string name = byte == 0 ? " (NUL)" : byte == 0x7f ? " (DEL)" : "";
  return std::string("control character ") + hex + name +
         "; a config file is text";
}

std::string DescribeNesting() {
  return "nesting deeper than " + std::to_string(kMaxYamlNesting) +
         " levels; a replwatch config needs fewer than 10";
}

}  // namespace

std::optional<YamlTextProblem> FindYamlTextProblem(std::string_view text) {
  int line = 0;
  int column = 0;
  // Indentation of the open block levels, and the depth of [ and { outside
  // quotes and comments: together, how deep yaml-cpp would recurse.
  std::vector<int> block_indents;
  int flow_depth = 0;
  bool at_line_start = true;
  bool in_comment = false;
  char quote = 0;
  bool escaped = false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') ||
        byte == 0x7f) {
      return YamlTextProblem{line, column, DescribeControlByte(byte)};
    }
    if (byte == '\n') {
      ++line;
      column = 0;
      at_line_start = true;
      in_comment = false;
      continue;
    }
    if (at_line_start && byte != ' ' && byte != '\r' && byte != '#') {
      at_line_start = false;
      while (!block_indents.empty() && block_indents.back() >= column) {
        block_indents.pop_back();
      }
      block_indents.push_back(column);
    } else if (at_line_start && byte == '#') {
      at_line_start = false;
    }
    if (in_comment) {
      // Nothing in a comment nests.
    } else if (quote != 0) {
      if (escaped) {
        escaped = false;
      } else if (quote == '"' && byte == '\\') {
        escaped = true;
      } else if (byte == static_cast<unsigned char>(quote)) {
        quote = 0;
      }
    } else if (byte == '"' || byte == '\'') {
      quote = static_cast<char>(byte);
    } else if (byte == '#') {
      in_comment = true;
    } else if (byte == '[' || byte == '{') {
      ++flow_depth;
    } else if ((byte == ']' || byte == '}') && flow_depth > 0) {
      --flow_depth;
    }
    if (static_cast<int>(block_indents.size()) + flow_depth > kMaxYamlNesting) {
      return YamlTextProblem{line, column, DescribeNesting()};
    }
    ++column;
  }
  return std::nullopt;
}

}  // namespace replwatch

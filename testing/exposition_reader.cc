#include "testing/exposition_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "exposition/text_format.h"

namespace replwatch::testing {
namespace {

class LineReader {
 public:
  LineReader(std::string_view line, std::size_t number)
      : rest_(line), number_(number) {}

  [[noreturn]] void Fail(const std::string& why) const {
    throw std::runtime_error("line " + std::to_string(number_) + ": " + why);
  }

  std::string Name(bool label) {
    std::size_t end = 0;
    while (end < rest_.size() && rest_[end] != '{' && rest_[end] != ' ' &&
           rest_[end] != '=' && rest_[end] != ',' && rest_[end] != '}') {
      ++end;
    }
    const std::string name(rest_.substr(0, end));
    const bool valid = label ? exposition::IsValidLabelName(name)
                             : exposition::IsValidMetricName(name);
    if (!valid) Fail("invalid name '" + name + "'");
    rest_.remove_prefix(end);
    return name;
  }

  bool Take(char c) {
    if (rest_.empty() || rest_[0] != c) return false;
    rest_.remove_prefix(1);
    return true;
  }

  std::string QuotedValue() {
    if (!Take('"')) Fail("label value does not start with '\"'");
    std::string value;
    while (true) {
      if (rest_.empty()) Fail("unterminated label value");
      const char c = rest_[0];
      rest_.remove_prefix(1);
      if (c == '"') break;
      if (c == '\n') Fail("newline in label value");
      if (c != '\\') {
        value.push_back(c);
        continue;
      }
      if (rest_.empty()) Fail("escape at the end of a label value");
      const char escaped = rest_[0];
      rest_.remove_prefix(1);
      if (escaped == 'n') {
        value.push_back('\n');
      } else if (escaped == '\\' || escaped == '"') {
        value.push_back(escaped);
      } else {
        Fail(std::string("invalid escape \\") + escaped);
      }
    }
    if (!exposition::IsValidLabelValue(value)) Fail("label value not UTF-8");
    return value;
  }

  // Go's strconv.ParseFloat: decimal or special values; out of range fails.
  double Value() {
    const std::size_t end = rest_.find(' ');
    const std::string token(rest_.substr(0, end));
    rest_ = end == std::string_view::npos ? "" : rest_.substr(end);
    if (token == "NaN") return std::nan("");
    if (token == "+Inf" || token == "Inf") return HUGE_VAL;
    if (token == "-Inf") return -HUGE_VAL;
    if (token.empty() ||
        token.find_first_not_of("0123456789+-.eE") != std::string::npos) {
      Fail("invalid value '" + token + "'");
    }
    char* stop = nullptr;
    errno = 0;
    const double value = std::strtod(token.c_str(), &stop);
    if (*stop != '\0') Fail("invalid value '" + token + "'");
    if (errno == ERANGE && std::abs(value) > 1) {
      Fail("value out of range '" + token + "'");
    }
    return value;
  }

  void Timestamp() {
    if (!Take(' ')) return;
    if (rest_.empty() ||
        rest_.find_first_not_of("-0123456789") != std::string_view::npos) {
      Fail("invalid timestamp");
    }
    rest_ = "";
  }

  bool Done() const { return rest_.empty(); }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
  std::size_t number_;
};

}  // namespace

std::vector<ExposedSample> ReadExposition(std::string_view text) {
  std::vector<ExposedSample> samples;
  std::set<std::string> typed, helped, finished;
  std::set<
      std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>
      series;
  std::string current_family;
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    if (newline == std::string_view::npos) {
      throw std::runtime_error("the exposition does not end with a newline");
    }
    LineReader line(text.substr(0, newline), ++number);
    text.remove_prefix(newline + 1);
    if (line.Take('#')) {
      const std::string_view rest = line.rest();
      const bool help = rest.substr(0, 6) == " HELP ";
      const bool type = rest.substr(0, 6) == " TYPE ";
      if (!help && !type) continue;  // a plain comment
      LineReader meta(rest.substr(6), number);
      const std::string name = meta.Name(false);
      if (finished.count(name)) meta.Fail("family " + name + " seen before");
      if (!(help ? helped : typed).insert(name).second) {
        meta.Fail(std::string("second ") + (help ? "HELP" : "TYPE") + " for " +
                  name);
      }
      if (type) {
        const std::string_view kind = meta.rest();
        if (kind != " counter" && kind != " gauge" && kind != " untyped" &&
            kind != " summary" && kind != " histogram") {
          meta.Fail("invalid type");
        }
      }
      continue;
    }
    ExposedSample sample;
    sample.name = line.Name(false);
    if (line.Take('{') && !line.Take('}')) {
      do {
        std::string label = line.Name(true);
        if (!line.Take('=')) line.Fail("expected '=' after " + label);
        sample.labels.emplace_back(std::move(label), line.QuotedValue());
      } while (line.Take(','));
      if (!line.Take('}')) line.Fail("expected '}'");
    }
    if (!line.Take(' ')) line.Fail("expected a space before the value");
    sample.value = line.Value();
    line.Timestamp();
    if (!line.Done()) line.Fail("unexpected text after the sample");
    if (sample.name != current_family) {
      if (finished.count(sample.name)) {
        line.Fail("samples of " + sample.name + " are not together");
      }
      if (!current_family.empty()) finished.insert(current_family);
      current_family = sample.name;
    }
    if (!series.insert({sample.name, sample.labels}).second) {
      line.Fail("a second sample of the same series");
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace replwatch::testing

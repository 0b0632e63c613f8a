#include "text/json.h"

#include <algorithm>

#include "text/parse_error.h"
#include "text/text_scan.h"
#include "text/utf8.h"

namespace replwatch::text {
namespace {

class JsonReader {
 public:
  JsonReader(std::string_view text, const JsonLimits& limits)
      : text_(text), limits_(limits) {}

  JsonValue ParseDocument() {
    if (text_.size() > limits_.max_bytes) {
      throw ParseError("JSON input exceeds " +
                       std::to_string(limits_.max_bytes) + " bytes");
    }
    SkipWhitespace();
    JsonValue value = ParseValue(0);
    SkipWhitespace();
    if (pos_ != text_.size()) Fail("unexpected data after the JSON value");
    return value;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    const std::size_t line =
        1 + std::count(text_.begin(), text_.begin() + pos_, '\n');
    throw ParseError("invalid JSON: " + what, line);
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  void SkipWhitespace() {
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  void Expect(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) {
      Fail("expected '" + std::string(literal) + "'");
    }
    pos_ += literal.size();
  }

  JsonValue ParseValue(std::size_t depth) {
    if (depth >= limits_.max_depth) Fail("nesting deeper than the limit");
    switch (Peek()) {
      case '{':
        return ParseObject(depth);
      case '[':
        return ParseArray(depth);
      case '"':
        return JsonValue::String(ParseString());
      case 't':
        Expect("true");
        return JsonValue::Bool(true);
      case 'f':
        Expect("false");
        return JsonValue::Bool(false);
      case 'n':
        Expect("null");
        return JsonValue();
      default:
        if (Peek() == '-' || (Peek() >= '0' && Peek() <= '9')) {
          return JsonValue::Number(ParseNumber());
        }
        Fail(AtEnd() ? "unexpected end of input" : "unexpected character");
    }
  }

  JsonValue ParseObject(std::size_t depth) {
    ++pos_;  // '{'
    std::vector<JsonValue::Member> members;
    SkipWhitespace();
    if (Peek() == '}') {
      ++pos_;
      return JsonValue::Object(std::move(members));
    }
    for (;;) {
      SkipWhitespace();
      if (Peek() != '"') Fail("expected a string key");
      std::string key = ParseString();
      SkipWhitespace();
      Expect(":");
      SkipWhitespace();
      members.emplace_back(std::move(key), ParseValue(depth + 1));
      SkipWhitespace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      Expect("}");
      return JsonValue::Object(std::move(members));
    }
  }

  JsonValue ParseArray(std::size_t depth) {
    ++pos_;  // '['
    std::vector<JsonValue> items;
    SkipWhitespace();
    if (Peek() == ']') {
      ++pos_;
      return JsonValue::Array(std::move(items));
    }
    for (;;) {
      SkipWhitespace();
      items.push_back(ParseValue(depth + 1));
      SkipWhitespace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      Expect("]");
      return JsonValue::Array(std::move(items));
    }
  }

  std::string ParseNumber() {
    const std::size_t start = pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - from;
    };
    if (Peek() == '-') ++pos_;
    if (Peek() == '0') {
      ++pos_;
    } else if (digits() == 0) {
      Fail("malformed number");
    }
    if (Peek() == '.') {
      ++pos_;
      if (digits() == 0) Fail("malformed number fraction");
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (digits() == 0) Fail("malformed number exponent");
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  unsigned ParseHex4() {
    if (pos_ + 4 > text_.size()) Fail("truncated \\u escape");
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        value |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        value |= c - 'A' + 10;
      } else {
        Fail("bad hex digit in \\u escape");
      }
    }
    return value;
  }

  void ParseEscape(std::string* out) {
    if (AtEnd()) Fail("unterminated string");
    const char c = text_[pos_++];
    switch (c) {
      case '"':
        out->push_back('"');
        return;
      case '\\':
        out->push_back('\\');
        return;
      case '/':
        out->push_back('/');
        return;
      case 'b':
        out->push_back('\b');
        return;
      case 'f':
        out->push_back('\f');
        return;
      case 'n':
        out->push_back('\n');
        return;
      case 'r':
        out->push_back('\r');
        return;
      case 't':
        out->push_back('\t');
        return;
      case 'u':
        break;
      default:
        Fail("invalid escape sequence");
    }
    char32_t cp = ParseHex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) Fail("unpaired low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") Fail("unpaired high surrogate");
      pos_ += 2;
      const unsigned low = ParseHex4();
      if (low < 0xDC00 || low > 0xDFFF) Fail("invalid low surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(cp, out);
  }

  void CopyUtf8(std::string* out) {
    const std::size_t len = Utf8SequenceLength(text_.substr(pos_));
    if (len == 0) Fail("invalid UTF-8 in string");
    out->append(text_.substr(pos_, len));
    pos_ += len;
  }

  std::string ParseString() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (AtEnd()) Fail("unterminated string");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        ++pos_;
        ParseEscape(&out);
      } else if (c < 0x20) {
        Fail("control character in string");
      } else if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        ++pos_;
      } else {
        CopyUtf8(&out);
      }
    }
  }

  std::string_view text_;
  const JsonLimits& limits_;
  std::size_t pos_ = 0;
};

}  // namespace

JsonValue ParseJson(std::string_view text, const JsonLimits& limits) {
  return JsonReader(text, limits).ParseDocument();
}

}  // namespace replwatch::text

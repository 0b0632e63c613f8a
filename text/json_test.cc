#include "text/json.h"

#include <string>

#include "testing/catch.h"
#include "text/parse_error.h"

namespace replwatch::text {
namespace {

TEST_CASE("json parses nested objects keeping key order", "[json]") {
  const JsonValue doc =
      ParseJson(R"({"b":1,"a":[true,false,null],"c":{"d":"x"}})");
  REQUIRE(doc.is_object());
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc.AsObject()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"b", "a", "c"});
  CHECK(doc.Find("b")->AsInt64() == 1);
  const auto& items = doc.Find("a")->AsArray();
  REQUIRE(items.size() == 3);
  CHECK(items[0].AsBool());
  CHECK_FALSE(items[1].AsBool());
  CHECK(items[2].is_null());
  CHECK(doc.Find("c")->Find("d")->AsString() == "x");
  CHECK(doc.Find("missing") == nullptr);
}

TEST_CASE("json keeps 64-bit integers exact", "[json]") {
  const JsonValue doc = ParseJson(
      R"({"guid":17880913061695450307,"neg":-9223372036854775808,"big":18446744073709551616})");
  CHECK(doc.Find("guid")->AsUint64() == 17880913061695450307ULL);
  CHECK_FALSE(doc.Find("guid")->AsInt64().has_value());
  CHECK(doc.Find("neg")->AsInt64() == INT64_MIN);
  CHECK_FALSE(doc.Find("neg")->AsUint64().has_value());
  CHECK_FALSE(doc.Find("big")->AsUint64().has_value());
  CHECK(doc.Find("big")->NumberText() == "18446744073709551616");
}

TEST_CASE("json numbers convert only when exact", "[json]") {
  const JsonValue doc = ParseJson(R"([3.554485, 1e3, 0, -0.5e-2])");
  const auto& n = doc.AsArray();
  CHECK(n[0].AsDouble() == Approx(3.554485));
  CHECK_FALSE(n[0].AsInt64().has_value());
  CHECK_FALSE(n[1].AsInt64().has_value());
  CHECK(n[1].AsDouble() == Approx(1000.0));
  CHECK(n[2].AsUint64() == 0u);
  CHECK(n[3].AsDouble() == Approx(-0.005));
}

TEST_CASE("json decodes escapes and surrogate pairs to UTF-8", "[json]") {
  const JsonValue doc =
      ParseJson(R"(["a\"b\\c\/\b\f\n\r\t", "\u00e9\u20ac", "\ud83d\ude00"])");
  const auto& s = doc.AsArray();
  CHECK(s[0].AsString() == "a\"b\\c/\b\f\n\r\t");
  CHECK(s[1].AsString() == "\xC3\xA9\xE2\x82\xAC");
  CHECK(s[2].AsString() == "\xF0\x9F\x98\x80");
}

TEST_CASE("json accepts raw UTF-8 and rejects invalid UTF-8", "[json]") {
  CHECK(ParseJson("\"caf\xC3\xA9\"").AsString() == "caf\xC3\xA9");
  CHECK_THROWS_AS(ParseJson("\"\xC0\xAF\""), ParseError);      // overlong
  CHECK_THROWS_AS(ParseJson("\"\xED\xA0\x80\""), ParseError);  // surrogate
  CHECK_THROWS_AS(ParseJson("\"\xE2\x82\""), ParseError);      // truncated
  CHECK_THROWS_AS(ParseJson("\"\xFF\""), ParseError);
}

TEST_CASE("json rejects malformed documents", "[json]") {
  const char* bad[] = {
      "",          "   ",       "{",           "[1,]",        "{\"a\":1,}",
      "{a:1}",     "[01]",      "[1.]",        "[.5]",        "[1e]",
      "[+1]",      "[-]",       "tru",         "nul",         "\"abc",
      "\"\\x\"",   "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\tb\"",
      "[1] [2]",   "{\"a\" 1}", "[NaN]",       "[Infinity]",  "// c\n{}",
      "/* c */{}",
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_THROWS_AS(ParseJson(text), ParseError);
  }
  CHECK_THROWS_AS(ParseJson(std::string("[1,\0]", 5)), ParseError);
}

TEST_CASE("json skips a byte order mark, as RFC 8259 allows", "[json]") {
  CHECK(ParseJson("\xEF\xBB\xBF{}").is_object());
}

TEST_CASE("json keeps the last value of a repeated key", "[json]") {
  const JsonValue small = ParseJson(R"({"a":1,"b":2,"a":3,"a":{"x":[4]}})");
  CHECK(small.Find("a")->Find("x")->AsArray()[0].AsInt64() == 4);
  CHECK(small.AsObject().size() == 2);
  std::vector<std::string> keys;
  for (const auto& [key, value] : small.AsObject()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"b", "a"});
  // Past the size where objects are indexed, and across reallocations.
  std::string big = "{";
  for (int i = 0; i < 1000; ++i) big += "\"k" + std::to_string(i) + "\":1,";
  big += "\"k7\":2,\"k999\":3}";
  const JsonValue doc = ParseJson(big);
  CHECK(doc.AsObject().size() == 1000);
  CHECK(doc.Find("k7")->AsInt64() == 2);
  CHECK(doc.Find("k999")->AsInt64() == 3);
  CHECK(doc.Find("k500")->AsInt64() == 1);
}

TEST_CASE("json refuses a document whose tree exceeds the memory budget",
          "[json]") {
  JsonLimits limits;
  limits.max_tree_bytes = 1 << 20;
  std::string zeros = "[0";
  for (int i = 0; i < 100000; ++i) zeros += ",0";
  zeros += "]";
  CHECK_THROWS_WITH(
      ParseJson(zeros, limits),
      Catch::Matchers::ContainsSubstring("needs more than 1 MiB in memory"));
  limits.max_tree_bytes = 64 << 20;
  CHECK(ParseJson(zeros, limits).AsArray().size() == 100001);
  // One long string counts too.
  limits.max_tree_bytes = 1 << 20;
  CHECK_THROWS_AS(ParseJson("\"" + std::string(2 << 20, 'x') + "\"", limits),
                  ParseError);
}

TEST_CASE("json errors carry the 1-based line", "[json]") {
  try {
    ParseJson("{\n  \"a\": 1,\n  \"b\": tru\n}");
    FAIL("expected a ParseError");
  } catch (const ParseError& e) {
    CHECK(e.line() == 3u);
  }
}

TEST_CASE("json enforces depth and size limits", "[json]") {
  const std::string deep(100, '[');
  CHECK_THROWS_AS(ParseJson(deep + std::string(100, ']')), ParseError);
  const std::string ok_depth = std::string(10, '[') + std::string(10, ']');
  CHECK_NOTHROW(ParseJson(ok_depth));
  JsonLimits small;
  small.max_bytes = 4;
  CHECK_THROWS_AS(ParseJson("[1,2,3]", small), ParseError);
  // Very deep input must fail cleanly, not overflow the stack.
  const std::string very_deep(1000000, '[');
  CHECK_THROWS_AS(ParseJson(very_deep), ParseError);
}

TEST_CASE("json typed access on the wrong type throws", "[json]") {
  const JsonValue doc = ParseJson(R"({"n":1})");
  CHECK_THROWS_AS(doc.AsArray(), ParseError);
  CHECK_THROWS_AS(doc.Find("n")->AsString(), ParseError);
  CHECK_THROWS_AS(doc.Find("n")->AsBool(), ParseError);
}

TEST_CASE("json number-or-numeric-string helpers", "[json]") {
  const JsonValue doc = ParseJson(
      R"({"guest":"100","n":100,"f":"3.5","bad":"10a","neg":"-5","b":true,"e":""})");
  CHECK(NumberOrNumericStringInt64(doc.Find("guest")) == 100);
  CHECK(NumberOrNumericStringUint64(doc.Find("n")) == 100u);
  CHECK(NumberOrNumericStringDouble(doc.Find("f")) == Approx(3.5));
  CHECK_FALSE(NumberOrNumericStringInt64(doc.Find("bad")).has_value());
  CHECK_FALSE(NumberOrNumericStringUint64(doc.Find("neg")).has_value());
  CHECK(NumberOrNumericStringInt64(doc.Find("neg")) == -5);
  CHECK_FALSE(NumberOrNumericStringInt64(doc.Find("b")).has_value());
  CHECK_FALSE(NumberOrNumericStringInt64(doc.Find("e")).has_value());
  CHECK_FALSE(NumberOrNumericStringInt64(doc.Find("absent")).has_value());
}

}  // namespace
}  // namespace replwatch::text

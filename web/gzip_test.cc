#include "web/gzip.h"

#include <string>

#include "testing/catch.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

using testing::Gunzip;

TEST_CASE("GzipCompress produces a gzip member that inflates to the input") {
  std::string input;
  for (int i = 0; i < 2000; ++i)
    input += "zfs_send_bytes{job=\"" + std::to_string(i % 7) + "\"}\n";
  const std::string compressed = GzipCompress(input);
  CHECK(compressed.substr(0, 2) == "\x1f\x8b");
  CHECK(compressed.size() < input.size());
  CHECK(Gunzip(compressed) == input);
  CHECK(Gunzip(GzipCompress("")).empty());
}

TEST_CASE("AcceptsGzip follows Accept-Encoding negotiation") {
  CHECK(AcceptsGzip("gzip"));
  CHECK(AcceptsGzip("deflate, GZIP;q=0.5"));
  CHECK(AcceptsGzip("br, *"));
  CHECK(AcceptsGzip("gzip;q=0.001"));
  CHECK_FALSE(AcceptsGzip(""));
  CHECK_FALSE(AcceptsGzip("identity"));
  CHECK_FALSE(AcceptsGzip("gzip;q=0"));
  CHECK_FALSE(AcceptsGzip("gzip; q=0.000, *"));
  CHECK_FALSE(AcceptsGzip("*;q=0"));
  CHECK_FALSE(AcceptsGzip("x-gzip-ish"));
}

}  // namespace
}  // namespace replwatch::web

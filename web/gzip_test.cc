#include "web/gzip.h"

#include <zlib.h>

#include "testing/catch.h"
#include <string>

namespace replwatch::web {
namespace {

// Decodes with zlib's own gzip reader, independent of GzipCompress.
std::string Gunzip(const std::string& compressed) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK);
  stream.next_in =
      reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string output;
  char buffer[4096];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    output.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  REQUIRE(result == Z_STREAM_END);
  return output;
}

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

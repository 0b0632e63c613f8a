#include "web/body_compressor.h"

#include <memory>
#include <string>
#include <vector>

#include "testing/catch.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

using Body = std::shared_ptr<const std::string>;

// Compresses `body` through `compressor` and runs io until the answer came.
Body CompressedBy(BodyCompressor& compressor, boost::asio::io_context& io,
                  const Body& body, bool shared) {
  Body result;
  bool answered = false;
  compressor.Compress(body, shared, [&](Body compressed) {
    result = std::move(compressed);
    answered = true;
  });
  io.restart();
  io.run();
  REQUIRE(answered);
  return result;
}

Body Text(const std::string& line) {
  std::string text;
  while (text.size() < 100000) text += line;
  return std::make_shared<const std::string>(text);
}

TEST_CASE("a shared body is compressed once, until another replaces it") {
  boost::asio::io_context io;
  BodyCompressor compressor(io);
  const Body first = Text("first exposition\n");
  const Body compressed = CompressedBy(compressor, io, first, true);
  REQUIRE(compressed);
  CHECK(testing::Gunzip(*compressed) == *first);
  // The same pointer again: the kept result, not a new run.
  CHECK(CompressedBy(compressor, io, first, true) == compressed);

  const Body second = Text("second exposition\n");
  const Body recompressed = CompressedBy(compressor, io, second, true);
  CHECK(recompressed != compressed);
  CHECK(testing::Gunzip(*recompressed) == *second);
}

TEST_CASE("clients asking during a compression all get its one result") {
  boost::asio::io_context io;
  BodyCompressor compressor(io);
  const Body body = Text("exposition\n");
  std::vector<Body> results;
  for (int i = 0; i < 5; ++i) {
    compressor.Compress(
        body, true, [&](Body compressed) { results.push_back(compressed); });
  }
  io.run();
  REQUIRE(results.size() == 5);
  for (const auto& result : results) CHECK(result == results.front());
}

TEST_CASE("a body that is not shared is compressed each time") {
  boost::asio::io_context io;
  BodyCompressor compressor(io);
  const Body page = Text("status page\n");
  const Body once = CompressedBy(compressor, io, page, false);
  const Body again = CompressedBy(compressor, io, page, false);
  CHECK(once != again);
  CHECK(*once == *again);
}

}  // namespace
}  // namespace replwatch::web

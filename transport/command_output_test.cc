#include "transport/command_output.h"

#include "testing/catch.h"

namespace replwatch {
namespace {

TEST_CASE("past 1 MiB the output buffer is sized for the cap once",
          "[output]") {
  constexpr std::size_t kLimit = 8 << 20;
  const std::string chunk(65536, 'x');
  std::string out;
  std::size_t reallocations_past_1_mib = 0;
  while (out.size() <= kLimit) {
    const std::size_t capacity = out.capacity();
    AppendOutput(out, chunk, kLimit);
    if (out.capacity() != capacity && capacity >= (1u << 20)) {
      ++reallocations_past_1_mib;
    }
    REQUIRE(out.capacity() <= kLimit + chunk.size());
  }
  CHECK(out == std::string(out.size(), 'x'));
  CHECK(out.size() == kLimit + chunk.size());  // the first size past the cap
  CHECK(out.capacity() == kLimit + chunk.size());
  CHECK(reallocations_past_1_mib == 1);
}

TEST_CASE("small outputs grow as usual, a chunk past the cap fits whole",
          "[output]") {
  std::string small;
  AppendOutput(small, "abc", 64 << 20);
  CHECK(small == "abc");
  CHECK(small.capacity() < 1024);
  std::string out(2 << 20, 'a');
  AppendOutput(out, std::string(100, 'c'), 10);
  CHECK(out == std::string(2 << 20, 'a') + std::string(100, 'c'));
}

}  // namespace
}  // namespace replwatch

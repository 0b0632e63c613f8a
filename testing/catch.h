#pragma once

// One include for the tests on both releases: Debian 12 ships Catch2 v2
// (one header, <catch2/catch.hpp>), Debian 13 ships v3 (split headers, the
// string matchers and Approx renamed or moved). Tests use the v3 names.
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
using Catch::Approx;
#else
#include <catch2/catch.hpp>
namespace Catch::Matchers {
inline auto ContainsSubstring(const std::string& text) {
  return Contains(text);
}
}  // namespace Catch::Matchers
#endif

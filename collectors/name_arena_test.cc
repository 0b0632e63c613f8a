#include "collectors/name_arena.h"

#include <string>
#include <vector>

#include "testing/catch.h"

namespace replwatch {
namespace {

TEST_CASE("equal names are stored once, and every view stays valid",
          "[name_arena]") {
  NameArena arena;
  std::vector<std::string> texts;
  std::vector<std::string_view> views;
  // Enough names for many 64 KiB blocks, one long enough for its own block.
  for (int i = 0; i < 20000; ++i) {
    texts.push_back("autosnap_" + std::to_string(1700000000 + i) + "_hourly");
  }
  texts.push_back(std::string(40000, 'x'));
  for (const std::string& text : texts) views.push_back(arena.Intern(text));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    REQUIRE(views[i] == texts[i]);
    CHECK(views[i].data() != texts[i].data());  // a copy, not the input
  }
  // A recent name comes back as the stored copy.
  const std::string again = texts[19999];
  CHECK(arena.Intern(again).data() == views[19999].data());
  CHECK(arena.Intern(std::string(views[19998])).data() == views[19998].data());
}

TEST_CASE("after StopInterning equal names get copies of their own",
          "[name_arena]") {
  NameArena arena;
  const std::string_view first = arena.Intern("snap");
  arena.StopInterning();
  const std::string_view second = arena.Intern("snap");
  CHECK(second == "snap");
  CHECK(second.data() != first.data());
  CHECK(first == "snap");
}

}  // namespace
}  // namespace replwatch

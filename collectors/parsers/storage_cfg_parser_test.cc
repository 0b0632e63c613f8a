#include "collectors/parsers/storage_cfg_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("storage.cfg: types and what is shared", "[storage_cfg]") {
  text::ParseWarnings warnings;
  const auto storages =
      ParseStorageConfig(testing::ReadTestdata("storage.cfg"), &warnings);
  CHECK(warnings.empty());
  REQUIRE(storages.size() == 5);
  CHECK(storages.at("local-zfs").type == "zfspool");
  CHECK_FALSE(storages.at("local-zfs").shared);
  CHECK(storages.at("local-lvm").type == "lvmthin");
  CHECK(storages.at("nfs-share").shared);   // nfs always is
  CHECK(storages.at("shared-dir").shared);  // `shared 1`
  CHECK_FALSE(storages.at("local").shared);
}

TEST_CASE("storage.cfg: a bad header is a warning, NUL throws",
          "[storage_cfg]") {
  text::ParseWarnings warnings;
  const auto storages = ParseStorageConfig(
      "zfspool local-zfs\n\tshared 1\nlvmthin: \ndir: x\n", &warnings);
  CHECK(storages.size() == 1);
  CHECK(warnings.size() == 2);
  CHECK_THROWS_AS(ParseStorageConfig(std::string("dir: a\0", 7), &warnings),
                  text::ParseError);
}

}  // namespace
}  // namespace replwatch::parsers

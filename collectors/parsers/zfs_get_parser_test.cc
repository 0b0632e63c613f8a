#include "collectors/parsers/zfs_get_parser.h"

#include "collectors/parsers/test_fixtures.h"
#include "collectors/parsers/zpool_get_parser.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

TEST_CASE("zfs get -Hp of replication-relevant properties", "[zfs_get]") {
  const PropertyListing listing =
      ParseZfsGet(testing::ReadTestdata("zfs-get-Hp.txt"));
  REQUIRE(listing.properties.size() == 1);
  const auto& ds = listing.properties.at("rpool/data/vm-100-disk-0");
  CHECK(ds.at("type").text == "volume");
  CHECK(ds.at("available").number == 1099511627776u);
  CHECK(ds.at("quota").absent);
  CHECK_FALSE(ds.at("quota").number.has_value());
  CHECK(ds.at("refreservation").number == 0u);
  CHECK_FALSE(ds.at("refreservation").absent);
  CHECK(ds.at("keystatus").absent);  // "none"
  CHECK(ds.at("receive_resume_token").text.size() > 100);
  CHECK_FALSE(ds.at("receive_resume_token").absent);
  CHECK(ds.at("written@__replicate_100-0_1736506800__").number == 134217728u);
}

TEST_CASE("zfs list -Hp columns: one line per dataset", "[zfs_get]") {
  const std::vector<std::string> columns = {"name", "type", "quota",
                                            "receive_resume_token"};
  const PropertyListing listing = ParseZfsListColumns(
      "rpool\tfilesystem\t0\t-\n"
      "rpool/data/vm-100-disk-0\tvolume\t-\t1-abc-def\n",
      columns);
  REQUIRE(listing.properties.size() == 2);
  CHECK(listing.properties.at("rpool").at("quota").number == 0u);
  CHECK(listing.properties.at("rpool").at("receive_resume_token").absent);
  const auto& volume = listing.properties.at("rpool/data/vm-100-disk-0");
  CHECK(volume.at("type").text == "volume");
  CHECK(volume.at("quota").absent);
  CHECK(volume.at("receive_resume_token").text == "1-abc-def");
  for (const char* bad :
       {"rpool\tfilesystem\t0\n", "rpool\ta\tb\tc\td\n", "\tfilesystem\t0\t-\n",
        "a\tfilesystem\t0\t-\na\tvolume\t0\t-\n"}) {
    INFO(bad);
    CHECK_THROWS_AS(ParseZfsListColumns(bad, columns), text::ParseError);
  }
  try {
    ParseZfsListColumns("a\tfilesystem\t0\t-\nb\tfilesystem\n", columns);
    FAIL("expected ParseError");
  } catch (const text::ParseError& e) {
    CHECK(e.line() == 2u);
    CHECK_THAT(e.what(), Catch::Matchers::ContainsSubstring(
                             "expected 4 TAB-separated columns, got 2"));
  }
}

TEST_CASE("zfs get: empty value, source column, malformed lines", "[zfs_get]") {
  const PropertyListing l = ParseZfsGet("a\tp\t\nb\tq\t5\tlocal\n");
  CHECK(l.properties.at("a").at("p").absent);
  CHECK(l.properties.at("b").at("q").number == 5u);
  for (const char* bad :
       {"a p v\n", "a\tp\n", "a\tp\tv\ts\tx\n", "\tp\tv\n", "a\t\tv\n"}) {
    INFO(bad);
    CHECK_THROWS_AS(ParseZfsGet(bad), text::ParseError);
  }
  try {
    ParseZfsGet("a\tp\tv\nbroken\n");
    FAIL("expected ParseError");
  } catch (const text::ParseError& e) {
    CHECK(e.line() == 2u);
  }
  CHECK_THROWS_AS(ParseZfsGet(std::string("a\tp\tv\0", 6)), text::ParseError);
  CHECK(ParseZfsGet("a\tp\t1,5\n").properties.at("a").at("p").number ==
        std::nullopt);
}

TEST_CASE("zfs get: every real-world fixture", "[zfs_get]") {
  for (const auto& path : testing::FixtureFiles("zfs-get")) {
    INFO(path.filename().string());
    const std::string text = testing::ReadFixture(path);
    const std::string stem = path.stem().string();
    if (stem == "openzfs-man-zfs-get-H-o-value") {
      // a bare value: not a property listing, must be rejected cleanly
      CHECK_THROWS_AS(ParseZfsGet(text), text::ParseError);
      continue;
    }
    PropertyListing listing;
    REQUIRE_NOTHROW(listing = text.find('{') != std::string::npos
                                  ? ParseZfsGetJson(text)
                                  : ParseZfsGetHuman(text));
    CHECK(listing.warnings.empty());
    CHECK_FALSE(listing.properties.empty());
    if (stem == "openzfs-man-zfs-get-all") {
      const auto& bob = listing.properties.at("pool/home/bob");
      CHECK(bob.at("creation").text == "Tue Jul 21 15:53 2009");
      CHECK(bob.at("quota").text == "20G");
      CHECK(bob.at("reservation").absent);
    } else if (stem == "openzfs-man-zfs-get-j-r-mountpoint-json") {
      CHECK(listing.properties.at("pool/home/bob").at("mountpoint").text ==
            "/pool/home/bob");
    } else if (stem == "openzfs-man-zfs-get-s-local-o-name-property-value") {
      CHECK(listing.properties.at("pool/home/bob").at("compression").text ==
            "on");
    }
  }
}

TEST_CASE("zpool get -Hp all and feature states", "[zpool_get]") {
  const PropertyListing listing =
      ParseZpoolGet(testing::ReadTestdata("zpool-get-Hp.txt"));
  const auto& rpool = listing.properties.at("rpool");
  CHECK(rpool.at("size").number == 3985729650688u);
  const auto features = FeatureStates(rpool);
  REQUIRE(features.size() == 4);
  CHECK(features.at("encryption") == FeatureState::kActive);
  CHECK(features.at("extensible_dataset") == FeatureState::kActive);
  CHECK(features.at("draid") == FeatureState::kEnabled);
  CHECK(features.at("raidz_expansion") == FeatureState::kDisabled);
  CHECK(FeatureStates({{"feature@x", MakePropertyValue("-")}}).at("x") ==
        FeatureState::kOther);
  CHECK(FeatureStates({{"feature@", MakePropertyValue("active")}}).empty());
}

}  // namespace
}  // namespace replwatch::parsers

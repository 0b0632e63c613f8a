#include "collectors/parsers/pmxcfs_status_parser.h"

#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

// As cfs_create_vmlist_msg() prints it (hash order, the last entry closed
// on its own line).
constexpr const char* kVmlist =
    "{\n\"version\": 17,\n\"ids\": {\n"
    "\"101\": { \"node\": \"pve2\", \"type\": \"lxc\", \"version\": 4 },\n"
    "\"100\": { \"node\": \"pve1\", \"type\": \"qemu\", \"version\": 9 }}\n"
    "\n}\n";

TEST_CASE(".vmlist: where each guest lives", "[pmxcfs]") {
  text::ParseWarnings warnings;
  const auto guests = ParseVmlist(kVmlist, &warnings);
  CHECK(warnings.empty());
  REQUIRE(guests.size() == 2);
  CHECK(guests.at(100).node == "pve1");
  CHECK(guests.at(100).type == "qemu");
  CHECK(guests.at(101).node == "pve2");
  CHECK(guests.at(101).type == "lxc");
}

TEST_CASE(".vmlist: a cluster without guests", "[pmxcfs]") {
  text::ParseWarnings warnings;
  CHECK(ParseVmlist("{\n\"version\": 3\n\n}\n", &warnings).empty());
  CHECK(warnings.empty());
}

TEST_CASE(".vmlist: entries without a node are skipped", "[pmxcfs]") {
  text::ParseWarnings warnings;
  const auto guests = ParseVmlist(
      R"({"version":1,"ids":{"x":{"node":"a"},"102":{"type":"qemu"},)"
      R"("103":7,"104":{"node":"pve3"}}})",
      &warnings);
  CHECK(warnings.size() == 3);
  REQUIRE(guests.size() == 1);
  CHECK(guests.at(104).node == "pve3");
  CHECK(guests.at(104).type.empty());
}

TEST_CASE(".vmlist and .members: not a JSON object throws", "[pmxcfs]") {
  text::ParseWarnings warnings;
  CHECK_THROWS_AS(ParseVmlist("[]", &warnings), text::ParseError);
  CHECK_THROWS_AS(ParseVmlist(R"({"ids":[]})", &warnings), text::ParseError);
  CHECK_THROWS_AS(ParseVmlist("", &warnings), text::ParseError);
  CHECK_THROWS_AS(ParseMembersOnline("nodename: pve1", &warnings),
                  text::ParseError);
}

TEST_CASE(".members: which nodes are online", "[pmxcfs]") {
  text::ParseWarnings warnings;
  const auto online = ParseMembersOnline(
      "{\n\"nodename\": \"pve1\",\n\"version\": 5,\n"
      "\"cluster\": { \"name\": \"lab\", \"version\": 3, \"nodes\": 3, "
      "\"quorate\": 1 },\n\"nodelist\": {\n"
      "  \"pve1\": { \"id\": 1, \"online\": 1, \"ip\": \"198.18.0.11\"},\n"
      "  \"pve2\": { \"id\": 2, \"online\": 0, \"ip\": \"198.18.0.12\"},\n"
      "  \"pve3\": { \"id\": 3, \"ip\": \"198.18.0.13\"}\n  }\n}\n",
      &warnings);
  CHECK(online.at("pve1"));
  CHECK_FALSE(online.at("pve2"));
  CHECK_FALSE(online.at("pve3"));
  CHECK(warnings.size() == 1);  // pve3 has no online flag
  // A node outside a cluster: no nodelist.
  CHECK(ParseMembersOnline(R"({"nodename":"pve1","version":0})", &warnings)
            .empty());
}

}  // namespace
}  // namespace replwatch::parsers

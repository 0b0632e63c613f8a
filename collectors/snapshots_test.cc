#include "collectors/snapshots.h"

#include "testing/catch.h"
#include "testing/exposition_checks.h"
#include "testing/scripted_transport.h"
#include "text/parse_error.h"

namespace replwatch {
namespace {

using testing::CheckPromtoolClean;
using testing::SampleCount;
using testing::SampleValue;
using testing::ScriptedTransport;

constexpr char kList[] =
    "zfs list -Hp -t snapshot -o name,guid,createtxg,creation -s createtxg";

// Captured from the lab stand-ins (OpenZFS 2.2 `-Hp` format), trimmed.
constexpr char kLabList[] =
    "rpool/data/vm-100-disk-0@autosnap_2026-11-25_22:30:42_hourly\t"
    "14642039827181069292\t13891095\t1795645842\n"
    "rpool/data/vm-101-disk-0@autosnap_2026-11-25_22:30:42_hourly\t"
    "6804160622959777795\t13891095\t1795645842\n"
    "rpool/data/vm-100-disk-0@autosnap_2026-11-25_23:30:42_hourly\t"
    "4101486180427678450\t13891815\t1795649442\n"
    "rpool/data/vm-101-disk-0@autosnap_2026-11-25_23:30:42_hourly\t"
    "2695129444403888809\t13891815\t1795649442\n"
    "rpool/ROOT/pve-1@before-upgrade\t11\t13891900\t1795650000\n"
    "rpool/data/vm-100-disk-0@__replicate_100-0_1795658402__\t"
    "10240397109115183539\t13893607\t1795658402\n"
    "rpool/data/vm-101-disk-0@__replicate_101-0_1795658403__\t"
    "13123381465792912428\t13893607\t1795658403\n";

const std::string kNode = "{pve_cluster=\"lab\",node=\"pve1\"";

std::string CountSeries(const std::string& dataset) {
  return "replwatch_dataset_snapshots" + kNode + ",dataset=\"" + dataset +
         "\"}";
}

std::string LatestSeries(const std::string& dataset, const std::string& job) {
  return "replwatch_replication_snapshot_latest_timestamp_seconds" + kNode +
         ",dataset=\"" + dataset + "\",job_id=\"" + job + "\"}";
}

std::string Line(const std::string& name, std::uint64_t guid, std::uint64_t txg,
                 std::int64_t creation) {
  return name + "\t" + std::to_string(guid) + "\t" + std::to_string(txg) +
         "\t" + std::to_string(creation) + "\n";
}

// These tests read the full listing; snapshots_incremental_test.cc the
// incremental one.
testing::TestContext FullListing() {
  testing::TestContext context;
  context.node.incremental_snapshots = false;
  return context;
}

std::shared_ptr<const SnapshotsFacts> Collect(ScriptedTransport& transport) {
  SnapshotsCollector collector([] { return 1795660000.0; });
  const testing::TestContext context = FullListing();
  auto facts = std::dynamic_pointer_cast<const SnapshotsFacts>(
      collector.Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  return facts;
}

TEST_CASE("snapshots: lab listing, one command, queryable facts",
          "[snapshots]") {
  ScriptedTransport transport;
  transport.Answer(kList, kLabList);
  const auto facts = Collect(transport);
  CHECK(transport.commands_run() == std::vector<std::string>{kList});
  CHECK(facts->snapshot_count() == 7);
  CHECK(facts->datasets().size() == 3);

  const std::vector<Snapshot>* vm100 = facts->Of("rpool/data/vm-100-disk-0");
  REQUIRE(vm100 != nullptr);
  REQUIRE(vm100->size() == 3);
  CHECK((*vm100)[0].name == "autosnap_2026-11-25_22:30:42_hourly");
  CHECK((*vm100)[0].guid == 14642039827181069292u);
  CHECK((*vm100)[0].createtxg == 13891095u);
  CHECK((*vm100)[0].creation == 1795645842);
  CHECK((*vm100)[2].name == "__replicate_100-0_1795658402__");
  CHECK(facts->Of("rpool/data") == nullptr);
  CHECK(facts->Of("rpool/ROOT/pve-1") != nullptr);

  const Snapshot* latest =
      facts->LatestReplicationSnapshot("rpool/data/vm-100-disk-0", "100-0");
  REQUIRE(latest != nullptr);
  CHECK(latest->guid == 10240397109115183539u);
  CHECK(facts->LatestReplicationSnapshot("rpool/data/vm-100-disk-0", "101-0") ==
        nullptr);

  // Equal snapshot names of different datasets share their bytes.
  const std::vector<Snapshot>* vm101 = facts->Of("rpool/data/vm-101-disk-0");
  REQUIRE(vm101 != nullptr);
  CHECK((*vm101)[0].name.data() == (*vm100)[0].name.data());
}

TEST_CASE("snapshots: series only for replicated datasets", "[snapshots]") {
  ScriptedTransport transport;
  transport.Answer(
      kList,
      std::string(kLabList) +
          Line("tank/custom@__replicate_200-0_1795600000__", 5, 13893700, 1) +
          Line("tank/custom@__replicate_200-1_1795650000__", 6, 13893701, 2) +
          Line("tank/custom@__replicate_200-0_1795500000__", 7, 13893702, 3) +
          Line("rpool/data/subvol-300-disk-0@manual", 8, 13893703, 4) +
          Line("rpool/var-lib-vz@nightly", 9, 13893704, 5));
  const std::string text = testing::RenderText(*Collect(transport));
  CheckPromtoolClean(text);
  CHECK(text.find("pve-1") == std::string::npos);
  CHECK(text.find("var-lib-vz") == std::string::npos);
  CHECK(SampleCount(text, "replwatch_dataset_snapshots") == 4);
  CHECK(SampleValue(text, CountSeries("rpool/data/vm-100-disk-0")) == 3);
  CHECK(SampleValue(text, CountSeries("tank/custom")) == 3);
  CHECK(SampleValue(text, CountSeries("rpool/data/subvol-300-disk-0")) == 1);
  CHECK(SampleCount(
            text, "replwatch_replication_snapshot_latest_timestamp_seconds") ==
        4);
  CHECK(SampleValue(text, LatestSeries("rpool/data/vm-100-disk-0", "100-0")) ==
        1795658402);
  // Newest by the epoch in the name, per job.
  CHECK(SampleValue(text, LatestSeries("tank/custom", "200-0")) == 1795600000);
  CHECK(SampleValue(text, LatestSeries("tank/custom", "200-1")) == 1795650000);
}

TEST_CASE("snapshots: sorted by createtxg whatever the input order",
          "[snapshots]") {
  ScriptedTransport transport;
  transport.Answer(kList, Line("p/vm-1-disk-0@b", 2, 20, 2) +
                              Line("p/vm-1-disk-0@a", 1, 10, 1) +
                              Line("p/vm-1-disk-0@c", 3, 30, 3));
  const auto facts = Collect(transport);
  const auto* snapshots = facts->Of("p/vm-1-disk-0");
  REQUIRE(snapshots != nullptr);
  REQUIRE(snapshots->size() == 3);
  CHECK((*snapshots)[0].name == "a");
  CHECK((*snapshots)[1].name == "b");
  CHECK((*snapshots)[2].name == "c");
}

std::string LargeListing(std::size_t lines) {
  std::string text;
  for (std::size_t i = 0; i < lines; ++i) {
    text += Line("rpool/data/vm-" + std::to_string(100 + i % 50) +
                     "-disk-0@autosnap_" + std::to_string(i / 50),
                 i + 1, 1000 + i, 1700000000 + i);
  }
  return text;
}

TEST_CASE("snapshots: long listings, errors keep their line number",
          "[snapshots]") {
  ScriptedTransport transport;
  std::string text = LargeListing(10000);
  transport.Answer(kList, text);
  const auto facts = Collect(transport);
  CHECK(facts->snapshot_count() == 10000);
  CHECK(facts->datasets().size() == 50);
  CHECK(facts->Of("rpool/data/vm-149-disk-0")->back().createtxg == 10999u);

  auto error_of = [](const std::string& listing) {
    try {
      (void)SnapshotsFacts::FromZfsList(listing);
    } catch (const text::ParseError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  auto replace_line = [&](std::size_t number, const std::string& with) {
    std::size_t start = 0;
    for (std::size_t i = 1; i < number; ++i) start = text.find('\n', start) + 1;
    std::string copy = text;
    copy.replace(start, copy.find('\n', start) - start, with);
    return copy;
  };
  CHECK_THAT(error_of(replace_line(9000, "rpool/x@y\tnot-a-guid\t1\t2")),
             Catch::Matchers::StartsWith("line 9000: bad guid"));
  // Three columns: refused at the start of a slice and within one.
  CHECK_THAT(error_of(replace_line(4097, "rpool/x@y\t1\t2")),
             Catch::Matchers::StartsWith("line 4097: "));
  CHECK_THAT(error_of(replace_line(5000, "rpool/x@y\t1\t2")),
             Catch::Matchers::StartsWith("line 5000: "));
  CHECK_THAT(error_of("rpool/x@y\t1\t2\n"),
             Catch::Matchers::StartsWith("line 1: "));
}

TEST_CASE("snapshots: empty listing and failures", "[snapshots]") {
  ScriptedTransport transport;
  SECTION("no snapshots") {
    transport.Answer(kList, "");
    const auto facts = Collect(transport);
    CHECK(facts->snapshot_count() == 0);
    CHECK(testing::RenderText(*facts).find("replwatch_dataset_snapshots") ==
          std::string::npos);
  }
  SECTION("zfs missing") {
    SnapshotsCollector collector([] { return 1795660000.0; });
    const testing::TestContext context = FullListing();
    CHECK_THROWS_AS(collector.Collect(transport, context.Get()),
                    TransportError);
  }
  SECTION("non-zero exit") {
    transport.Answer(kList, "", 1,
                     "cannot open 'rpool': pool I/O is suspended\n");
    SnapshotsCollector collector([] { return 1795660000.0; });
    const testing::TestContext context = FullListing();
    CHECK_THROWS_AS(collector.Collect(transport, context.Get()),
                    CollectorError);
  }
  SECTION("not a snapshot listing") {
    transport.Answer(kList, "rpool\t1\t2\t3\n");
    SnapshotsCollector collector([] { return 1795660000.0; });
    const testing::TestContext context = FullListing();
    CHECK_THROWS_AS(collector.Collect(transport, context.Get()),
                    text::ParseError);
  }
  CHECK(transport.commands_run().size() == 1);
}

}  // namespace
}  // namespace replwatch

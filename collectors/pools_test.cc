#include "collectors/pools.h"

#include <fmt/format.h>

#include "collectors/node.h"
#include "collectors/parsers/test_fixtures.h"
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
    "zpool list -Hp -o name,size,alloc,free,cap,frag,health";
constexpr char kStatus[] = "zpool status -p";
constexpr char kGet[] = "zpool get -Hp -o name,property,value all";

// Captured from the lab stand-ins (OpenZFS 2.2.4 formats), trimmed.
constexpr char kLabList[] =
    "rpool\t322122547200\t95034874640\t227087672560\t29\t9\tONLINE\n";
constexpr char kLabStatus[] =
    "  pool: rpool\n"
    " state: ONLINE\n"
    "  scan: scrub repaired 0B in 00:02:03 with 0 errors on Tue Nov 17 "
    "02:02:45 2026\n"
    "config:\n"
    "\n"
    "\tNAME                                                      STATE     "
    "READ WRITE CKSUM\n"
    "\trpool                                                     ONLINE       "
    "0     0     0\n"
    "\t  mirror-0                                                ONLINE       "
    "0     0     0\n"
    "\t    nvme-SAMSUNG_MZQL23T8HCLS-00A07_S64HNS0W882092-part3  ONLINE       "
    "0     0     0\n"
    "\t    nvme-SAMSUNG_MZQL23T8HCLS-00A07_S64HNS0W882093-part3  ONLINE       "
    "0     0     0\n"
    "\n"
    "errors: No known data errors\n";
constexpr char kLabGet[] =
    "rpool\tsize\t322122547200\n"
    "rpool\tcapacity\t29\n"
    "rpool\thealth\tONLINE\n"
    "rpool\tfeature@async_destroy\tenabled\n"
    "rpool\tfeature@lz4_compress\tactive\n"
    "rpool\tfeature@encryption\tdisabled\n"
    "rpool\tunsupported@com.example:future\tinactive\n";

constexpr char kLabStatusDegraded[] =
    "  pool: rpool\n"
    " state: DEGRADED\n"
    "status: One or more devices is currently being resilvered.  The pool "
    "will\n"
    "\tcontinue to function, possibly in a degraded state.\n"
    "action: Wait for the resilver to complete.\n"
    "  scan: resilver in progress since Thu Nov 26 02:00:49 2026\n"
    "\t31.5M / 88.5G scanned at 31.5M/s, 25.2M / 88.5G issued at 25.2M/s\n"
    "\t12.6M resilvered, 0.03% done, 00:59:59 to go\n"
    "config:\n"
    "\n"
    "\tNAME                                                      STATE     "
    "READ WRITE CKSUM\n"
    "\trpool                                                     DEGRADED     "
    "0     0     0\n"
    "\t  mirror-0                                                DEGRADED     "
    "0     0     0\n"
    "\t    nvme-SAMSUNG_MZQL23T8HCLS-00A07_S64HNS0W882092-part3  ONLINE       "
    "0     0    12\n"
    "\t    3013206890312458593                                   UNAVAIL      "
    "0     0     0  (resilvering)\n"
    "\n"
    "errors: No known data errors\n";

constexpr char kLabListSuspended[] =
    "rpool\t290984034304\t94615816093\t196368218211\t32\t9\tSUSPENDED\n";
constexpr char kLabStatusSuspended[] =
    "  pool: rpool\n"
    " state: SUSPENDED\n"
    "status: One or more devices are faulted in response to IO failures.\n"
    "action: Make sure the affected devices are connected, then run 'zpool "
    "clear'.\n"
    "   see: https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-HC\n"
    "  scan: scrub repaired 0B in 00:01:46 with 0 errors on Tue Nov 17 "
    "02:02:28 2026\n"
    "config:\n"
    "\n"
    "\tNAME          STATE     READ WRITE CKSUM\n"
    "\trpool         UNAVAIL      0     0     0  insufficient replicas\n"
    "\t  mirror-0    UNAVAIL      0     0     0  insufficient replicas\n"
    "\t    nvme0n1   FAULTED      8   126     0  too many errors\n"
    "\t    nvme1n1   FAULTED      3    97     0  too many errors\n"
    "\n"
    "errors: 67 data errors, use '-v' for a list\n";

constexpr char kScrubRunning[] =
    "  pool: rpool\n"
    " state: ONLINE\n"
    "  scan: scrub in progress since Thu Nov 26 02:00:52 2026\n"
    "\t31.3M / 88.1G scanned at 31.3M/s, 25.1M / 88.1G issued at 25.1M/s\n"
    "\t0B repaired, 0.03% done, 00:59:59 to go\n"
    "config:\n"
    "\n"
    "\tNAME        STATE     READ WRITE CKSUM\n"
    "\trpool       ONLINE       0     0     0\n"
    "\t  nvme0n1   ONLINE       0     0     0\n"
    "\n"
    "errors: No known data errors\n";

const std::string kPool = "{pve_cluster=\"lab\",node=\"pve1\",pool=\"rpool\"";

std::string Series(const std::string& name, const std::string& extra = "") {
  return name + kPool + extra + "}";
}

std::shared_ptr<const PoolsFacts> Collect(ScriptedTransport& transport) {
  PoolsCollector collector;
  testing::TestContext context;
  auto facts = std::dynamic_pointer_cast<const PoolsFacts>(
      collector.Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  return facts;
}

TEST_CASE("pools: healthy lab pool, three commands", "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList, kLabList);
  transport.Answer(kStatus, kLabStatus);
  transport.Answer(kGet, kLabGet);
  const auto facts = Collect(transport);
  CHECK(transport.commands_run() ==
        std::vector<std::string>{kList, kStatus, kGet});

  REQUIRE(facts->pools.size() == 1);
  const PoolInfo& pool = facts->pools[0];
  CHECK(pool.health == "ONLINE");
  CHECK(pool.size_bytes == 322122547200u);
  CHECK(pool.data_errors == 0u);
  CHECK(pool.vdevs.size() == 4);  // root, mirror-0, two leaves
  CHECK_FALSE(pool.special_capacity_ratio);

  const std::string text = testing::RenderText(*facts);
  CheckPromtoolClean(text);
  CHECK(SampleValue(text,
                    Series("replwatch_pool_health", ",state=\"ONLINE\"")) == 1);
  CHECK(SampleValue(
            text, Series("replwatch_pool_health", ",state=\"DEGRADED\"")) == 0);
  CHECK(SampleCount(text, "replwatch_pool_health") == 7);
  CHECK(SampleValue(text, Series("replwatch_pool_size_bytes")) ==
        322122547200.0);
  CHECK(SampleValue(text, Series("replwatch_pool_allocated_bytes")) ==
        95034874640.0);
  CHECK(SampleValue(text, Series("replwatch_pool_free_bytes")) ==
        227087672560.0);
  CHECK(SampleValue(text, Series("replwatch_pool_capacity_ratio")) ==
        Approx(0.29));
  CHECK(SampleValue(text, Series("replwatch_pool_fragmentation_ratio")) ==
        Approx(0.09));
  CHECK(SampleCount(text, "replwatch_pool_special_capacity_ratio") == 0);
  CHECK(SampleCount(text, "replwatch_pool_vdev_errors") == 12);
  CHECK(SampleValue(text, Series("replwatch_pool_vdev_errors",
                                 ",vdev=\"mirror-0\",type=\"checksum\"")) == 0);
  CHECK(SampleValue(text, Series("replwatch_pool_data_errors")) == 0);
  CHECK(SampleValue(text, Series("replwatch_pool_scan_active",
                                 ",kind=\"scrub\"")) == 0);
  CHECK(SampleValue(text, Series("replwatch_pool_scan_active",
                                 ",kind=\"resilver\"")) == 0);
  CHECK(SampleCount(text, "replwatch_pool_scan_progress_ratio") == 0);
  // "Tue Nov 17 02:02:45 2026" read as UTC.
  CHECK(
      SampleValue(text, Series("replwatch_pool_last_scan_end_timestamp_seconds",
                               ",kind=\"scrub\"")) == 1794880965.0);
  CHECK(SampleCount(text, "replwatch_pool_last_scan_end_timestamp_seconds") ==
        1);
  CHECK(SampleValue(text, Series("replwatch_pool_feature_enabled",
                                 ",feature=\"async_destroy\"")) == 1);
  CHECK(SampleValue(text, Series("replwatch_pool_feature_enabled",
                                 ",feature=\"lz4_compress\"")) == 1);
  CHECK(SampleValue(text, Series("replwatch_pool_feature_enabled",
                                 ",feature=\"encryption\"")) == 0);
  CHECK(SampleCount(text, "replwatch_pool_feature_enabled") == 3);
}

TEST_CASE("pools: degraded pool with a resilver and checksum errors",
          "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList,
                   "rpool\t322122547200\t95040841694\t227081705506\t29\t9\t"
                   "DEGRADED\n");
  transport.Answer(kStatus, kLabStatusDegraded);
  transport.Answer(kGet, "");
  const std::string text = testing::RenderText(*Collect(transport));
  CheckPromtoolClean(text);
  CHECK(SampleValue(
            text, Series("replwatch_pool_health", ",state=\"DEGRADED\"")) == 1);
  CHECK(SampleValue(text,
                    Series("replwatch_pool_health", ",state=\"ONLINE\"")) == 0);
  CHECK(SampleValue(text, Series("replwatch_pool_vdev_errors",
                                 ",vdev=\"nvme-SAMSUNG_MZQL23T8HCLS-00A07_"
                                 "S64HNS0W882092-part3\",type=\"checksum\"")) ==
        12);
  CHECK(SampleValue(
            text, Series("replwatch_pool_vdev_errors",
                         ",vdev=\"3013206890312458593\",type=\"read\"")) == 0);
  CHECK(SampleValue(text, Series("replwatch_pool_scan_active",
                                 ",kind=\"resilver\"")) == 1);
  CHECK(SampleValue(text, Series("replwatch_pool_scan_active",
                                 ",kind=\"scrub\"")) == 0);
  CHECK(SampleValue(text, Series("replwatch_pool_scan_progress_ratio",
                                 ",kind=\"resilver\"")) == Approx(0.0003));
  CHECK(SampleCount(text, "replwatch_pool_last_scan_end_timestamp_seconds") ==
        0);
}

TEST_CASE("pools: suspended pool with data errors", "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList, kLabListSuspended);
  transport.Answer(kStatus, kLabStatusSuspended);
  transport.Answer(kGet, "");
  const std::string text = testing::RenderText(*Collect(transport));
  CheckPromtoolClean(text);
  CHECK(SampleValue(text, Series("replwatch_pool_health",
                                 ",state=\"SUSPENDED\"")) == 1);
  CHECK(SampleValue(text, Series("replwatch_pool_data_errors")) == 67);
  CHECK(SampleValue(text, Series("replwatch_pool_vdev_errors",
                                 ",vdev=\"nvme0n1\",type=\"write\"")) == 126);
  CHECK(SampleValue(text, Series("replwatch_pool_vdev_errors",
                                 ",vdev=\"nvme1n1\",type=\"read\"")) == 3);
}

TEST_CASE("pools: running scrub", "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList, kLabList);
  transport.Answer(kStatus, kScrubRunning);
  transport.Answer(kGet, "");
  const std::string text = testing::RenderText(*Collect(transport));
  CHECK(SampleValue(text, Series("replwatch_pool_scan_active",
                                 ",kind=\"scrub\"")) == 1);
  CHECK(SampleValue(text, Series("replwatch_pool_scan_active",
                                 ",kind=\"resilver\"")) == 0);
  CHECK(SampleValue(text, Series("replwatch_pool_scan_progress_ratio",
                                 ",kind=\"scrub\"")) == Approx(0.0003));
  CHECK(SampleCount(text, "replwatch_pool_scan_progress_ratio") == 1);
}

TEST_CASE("pools: an unlisted health state gets its own series", "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList, "tank\t-\t-\t-\t-\t-\tSPLIT\n");
  transport.Answer(kStatus, "");
  transport.Answer(kGet, "");
  const std::string text = testing::RenderText(*Collect(transport));
  CheckPromtoolClean(text);
  const std::string tank = "{pve_cluster=\"lab\",node=\"pve1\",pool=\"tank\"";
  CHECK(SampleValue(text,
                    "replwatch_pool_health" + tank + ",state=\"SPLIT\"}") == 1);
  CHECK(SampleCount(text, "replwatch_pool_health") == 8);
  CHECK(SampleCount(text, "replwatch_pool_size_bytes") == 0);
  CHECK(SampleCount(text, "replwatch_pool_data_errors") == 0);
}

TEST_CASE("pools: special class capacity from class_special_* properties",
          "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList, kLabList);
  transport.Answer(kStatus, kLabStatus);
  SECTION("allocated / size") {
    transport.Answer(kGet,
                     "rpool\tclass_special_size\t1000\n"
                     "rpool\tclass_special_allocated\t900\n"
                     "rpool\tclass_special_capacity\t90\n");
    const std::string text = testing::RenderText(*Collect(transport));
    CHECK(SampleValue(text, Series("replwatch_pool_special_capacity_ratio")) ==
          Approx(0.9));
  }
  SECTION("pool without a special vdev") {
    transport.Answer(kGet,
                     "rpool\tclass_special_size\t0\n"
                     "rpool\tclass_special_capacity\t0\n");
    const auto facts = Collect(transport);
    CHECK_FALSE(facts->pools[0].special_capacity_ratio);
  }
}

std::string ManyVdevsStatus(int leaves) {
  std::string text =
      "  pool: big\n state: ONLINE\nconfig:\n\n"
      "\tNAME          STATE     READ WRITE CKSUM\n"
      "\tbig           ONLINE       0     0     0\n";
  for (int i = 0; i < leaves; ++i) {
    char row[80];
    std::snprintf(row, sizeof row,
                  "\t  disk%-6d  ONLINE       0     0     %d\n", i, i % 3);
    text += row;
  }
  text += "\t  disk0       ONLINE       0     0     7\n";  // duplicate name
  return text + "\nerrors: No known data errors\n";
}

TEST_CASE("pools: vdev series are capped per pool and unique", "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList, "big\t1\t0\t1\t0\t0\tONLINE\n");
  transport.Answer(kStatus, ManyVdevsStatus(300));
  transport.Answer(kGet, "");
  const auto facts = Collect(transport);
  REQUIRE(facts->pools.size() == 1);
  CHECK(facts->pools[0].vdevs.size() == PoolsFacts::kMaxVdevsPerPool);
  // The root row, 300 disks and the repeated disk0, which keeps its own row.
  CHECK(facts->over_cap.at("vdevs") ==
        1 + 300 + 1 - PoolsFacts::kMaxVdevsPerPool);
  const std::string text = testing::RenderText(*facts);
  CheckPromtoolClean(text);
  CHECK(SampleCount(text, "replwatch_pool_vdev_errors") ==
        3 * PoolsFacts::kMaxVdevsPerPool);

  ScriptedTransport small;
  small.Answer(kList, "big\t1\t0\t1\t0\t0\tONLINE\n");
  small.Answer(kStatus, ManyVdevsStatus(2));
  small.Answer(kGet, "");
  const std::string small_text = testing::RenderText(*Collect(small));
  CheckPromtoolClean(small_text);  // the duplicate disk0 row keeps its own
  CHECK(SampleCount(small_text, "replwatch_pool_vdev_errors") == 3 * 4);
  CHECK(SampleValue(
            small_text,
            "replwatch_pool_vdev_errors{pve_cluster=\"lab\",node="
            "\"pve1\",pool=\"big\",vdev=\"disk0\",type=\"checksum\"}") == 0);
  CHECK(SampleValue(small_text,
                    "replwatch_pool_vdev_errors{pve_cluster=\"lab\",node="
                    "\"pve1\",pool=\"big\",vdev=\"disk0 (2)\",type="
                    "\"checksum\"}") == 7);
}

TEST_CASE("pools: pools over the cap are left out and counted", "[pools]") {
  std::string list;
  for (int i = 0; i < 300; ++i) {
    list += "pool" + std::to_string(1000 + i) + "\t1\t0\t1\t0\t0\tONLINE\n";
  }
  ScriptedTransport transport;
  transport.Answer(kList, list);
  transport.Answer(kStatus, "no pools available\n");
  transport.Answer(kGet, "");
  const auto facts = Collect(transport);
  CHECK(facts->pools.size() == PoolsFacts::kMaxPools);
  CHECK(facts->over_cap.at("pools") == 300 - PoolsFacts::kMaxPools);
  CHECK_THAT(
      facts->warnings.front().message,
      Catch::Matchers::ContainsSubstring("44 pools over the cap of 256"));
}

TEST_CASE("pools: a name that cannot be a label is left out, with a warning",
          "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList,
                   "rpool\t1\t0\t1\t0\t0\tONLINE\n"
                   "t\xC3\xA9st\t1\t0\t1\t0\t0\tONLINE\n" +
                       std::string(300, 'p') + "\t1\t0\t1\t0\t0\tONLINE\n");
  transport.Answer(kStatus, "no pools available\n");
  transport.Answer(kGet, "");
  const auto facts = Collect(transport);
  REQUIRE(facts->pools.size() == 1);
  CHECK(facts->pools[0].name == "rpool");
  REQUIRE(facts->warnings.size() == 2);
  CHECK_THAT(facts->warnings[0].message,
             Catch::Matchers::StartsWith("pool 'pppp"));
  CHECK_THAT(facts->warnings[1].message,
             Catch::Matchers::ContainsSubstring("'t??st' (5 bytes)"));
}

TEST_CASE("pools: rows zpool status could not read become warnings",
          "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList, kLabList);
  std::string status = kLabStatus;
  status.insert(status.find("errors:"),
                "\t    nvme-third-disk  ONLINE  x  0  0\n");
  transport.Answer(kStatus, status);
  transport.Answer(kGet, "");
  const auto facts = Collect(transport);
  REQUIRE_FALSE(facts->warnings.empty());
  CHECK_THAT(facts->warnings.front().message,
             Catch::Matchers::StartsWith("zpool status: line "));
}

TEST_CASE("pools: failures escape and stop the cycle", "[pools]") {
  ScriptedTransport transport;
  PoolsCollector collector;
  testing::TestContext context;
  SECTION("zpool missing") {
    CHECK_THROWS_AS(collector.Collect(transport, context.Get()),
                    TransportError);
    CHECK(transport.commands_run().size() == 1);
  }
  SECTION("non-zero exit") {
    transport.Answer(kList, "", 1, "internal error: out of memory\n");
    CHECK_THROWS_WITH(collector.Collect(transport, context.Get()),
                      Catch::Matchers::ContainsSubstring("status 1") &&
                          Catch::Matchers::ContainsSubstring("out of memory"));
    CHECK(transport.commands_run().size() == 1);
  }
  SECTION("garbage from zpool list") {
    transport.Answer(kList, "this is not zpool output\n");
    CHECK_THROWS_AS(collector.Collect(transport, context.Get()),
                    text::ParseError);
  }
  SECTION("garbage from zpool status") {
    transport.Answer(kList, kLabList);
    transport.Answer(kStatus, "Segmentation fault\n");
    CHECK_THROWS_AS(collector.Collect(transport, context.Get()),
                    text::ParseError);
    CHECK(transport.commands_run().size() == 2);
  }
  SECTION("zpool get times out") {
    transport.Answer(kList, kLabList);
    transport.Answer(kStatus, kLabStatus);
    transport.Fail(kGet, TransportFailure::kTimeout);
    CHECK_THROWS_AS(collector.Collect(transport, context.Get()),
                    TransportError);
    CHECK(transport.commands_run().size() == 3);
  }
}

}  // namespace
}  // namespace replwatch

namespace replwatch {

std::string TankSeries(const std::string& name, const std::string& extra) {
  return name + "{pve_cluster=\"lab\",node=\"pve1\",pool=\"tank\"" + extra +
         "}";
}

// The series of pool tank, a DEGRADED mirror of an ONLINE `first` and a
// FAULTED `second` (3 read, 1 write, 40 checksum errors), then `extra` rows.
std::string DegradedMirror(const std::string& first, const std::string& second,
                           const std::string& extra = "") {
  ScriptedTransport transport;
  transport.Answer(kList, "tank\t1\t0\t1\t0\t0\tDEGRADED\n");
  transport.Answer(kStatus,
                   "  pool: tank\n state: DEGRADED\nconfig:\n\n"
                   "\tNAME        STATE     READ WRITE CKSUM\n"
                   "\ttank        DEGRADED     0     0     0\n"
                   "\t  mirror-0  DEGRADED     0     0     0\n"
                   "\t    " +
                       first +
                       "     ONLINE       0     0     0\n"
                       "\t    " +
                       second +
                       "     FAULTED      3     1    40  too many errors\n" +
                       extra + "\nerrors: No known data errors\n");
  transport.Answer(kGet, "");
  return testing::RenderText(*Collect(transport));
}

TEST_CASE("pools: rows that share a name each keep their own counters",
          "[pools]") {
  const std::string text = DegradedMirror("sdX", "sdX");
  CheckPromtoolClean(text);
  const auto errors = [&](const std::string& vdev, const std::string& type) {
    return SampleValue(
        text, TankSeries("replwatch_pool_vdev_errors",
                         ",vdev=\"" + vdev + "\",type=\"" + type + "\""));
  };
  CHECK(errors("sdX", "checksum") == 0);
  CHECK(errors("sdX (2)", "checksum") == 40);
  CHECK(errors("sdX (2)", "read") == 3);
}

TEST_CASE("pools: a FAULTED member of a mirror has its own state series",
          "[pools]") {
  const std::string text =
      DegradedMirror("sda", "sdb", "\tspares\n\t  sdc       AVAIL\n");
  CheckPromtoolClean(text);
  const auto state = [&](const std::string& vdev, const std::string& value) {
    return SampleValue(
        text, TankSeries("replwatch_pool_vdev_state",
                         ",vdev=\"" + vdev + "\",state=\"" + value + "\""));
  };
  CHECK(state("mirror-0", "DEGRADED") == 1);
  CHECK(state("sda", "ONLINE") == 1);
  CHECK(state("sdb", "FAULTED") == 1);
  CHECK(state("sdc", "AVAIL") == 1);
  // One series per vdev below the root: mirror-0, sda, sdb, sdc.
  CHECK(SampleCount(text, "replwatch_pool_vdev_state") == 4);
}

}  // namespace replwatch

namespace replwatch {

namespace {

std::shared_ptr<const PoolsFacts> CollectOnZfs(ScriptedTransport& transport,
                                               const std::string& zfs,
                                               bool zfs_json = true) {
  testing::TestContext context;
  context.node.zfs_json = zfs_json;
  auto node = std::make_shared<NodeFacts>();
  node->zfs =
      parsers::ParseZfsVersion("zfs-" + zfs + "\nzfs-kmod-" + zfs + "\n");
  context.Set(node);
  auto facts = std::dynamic_pointer_cast<const PoolsFacts>(
      PoolsCollector().Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  return facts;
}

constexpr char kStatusJson[] = "zpool status -j --json-int";

TEST_CASE("the fill thresholds are the ones the alert rules page at",
          "[pools]") {
  const auto read = [](const std::string& name) {
    return parsers::testing::ReadFile(std::string(REPLWATCH_SOURCE_DIR) +
                                      "/alerts/" + name);
  };
  const std::string alerts = read("replwatch-alerts.yml");
  const auto expr_of = [&](const std::string& alert) {
    const std::size_t at = alerts.find("- alert: " + alert + "\n");
    REQUIRE(at != std::string::npos);
    const std::size_t end = alerts.find("- alert:", at + 1);
    return alerts.substr(at, end == std::string::npos ? end : end - at);
  };
  const auto above = [](double ratio) {
    return "replwatch_pool_capacity_ratio > " + fmt::format("{:.2f}", ratio);
  };
  CHECK_THAT(expr_of("ReplwatchTargetPoolFilling"),
             Catch::Matchers::ContainsSubstring(above(kPoolFillingRatio)));
  CHECK_THAT(expr_of("ReplwatchTargetPoolFull"),
             Catch::Matchers::ContainsSubstring(above(kPoolFullRatio)));
  // Days until full count down to the same threshold.
  CHECK_THAT(read("replwatch-recording.yml"),
             Catch::Matchers::ContainsSubstring(
                 "replwatch_pool_size_bytes * " +
                 fmt::format("{:.2f}", kPoolFullRatio)));

  PoolInfo pool;
  CHECK(pool.Fill() == PoolFill::kUnknown);
  pool.capacity_ratio = kPoolFillingRatio;
  CHECK(pool.Fill() == PoolFill::kOk);
  pool.capacity_ratio = kPoolFillingRatio + 0.01;
  CHECK(pool.Fill() == PoolFill::kFilling);
  pool.capacity_ratio = kPoolFullRatio + 0.01;
  CHECK(pool.Fill() == PoolFill::kFull);
}

}  // namespace

TEST_CASE("pools: OpenZFS 2.3 and later are read from zpool status JSON",
          "[pools]") {
  ScriptedTransport transport;
  transport.Answer(kList, "tank\t1\t0\t1\t0\t0\tDEGRADED\n");
  transport.Answer(kStatusJson, parsers::testing::ReadTestdata(
                                    "zpool-status-j-json-int.json"));
  transport.Answer(kStatus, kLabStatus);
  transport.Answer(kGet, "");
  SECTION("2.4.4 reads JSON") {
    const auto facts = CollectOnZfs(transport, "2.4.4-pve1");
    CHECK(transport.commands_run() ==
          std::vector<std::string>{kList, kStatusJson, kGet});
    const PoolInfo* tank = facts->Find("tank");
    REQUIRE(tank != nullptr);
    // CANT_OPEN in JSON is what text prints as UNAVAIL, with its `was` path.
    const std::string text = testing::RenderText(*facts);
    CHECK(text.find("vdev=\"5059338246820777521 (was "
                    "/dev/disk/by-id/wwn-0x50014ee2b36b4fea-part1)\","
                    "state=\"UNAVAIL\"") != std::string::npos);
  }
  SECTION("2.2 reads text") {
    CollectOnZfs(transport, "2.2.8-pve1");
    CHECK(transport.commands_run() ==
          std::vector<std::string>{kList, kStatus, kGet});
  }
  SECTION("zfs_json: false reads text on 2.4 too") {
    CollectOnZfs(transport, "2.4.4-pve1", false);
    CHECK(transport.commands_run() ==
          std::vector<std::string>{kList, kStatus, kGet});
  }
}

TEST_CASE("a pool's problems are ReplwatchPoolDegraded's reasons", "[pools]") {
  PoolInfo pool;
  pool.health = "ONLINE";
  pool.data_errors = 0;
  pool.vdevs.push_back({"mirror-0", 1, "ONLINE"});
  CHECK(pool.Healthy());
  // A faulted spare or cache device leaves the pool ONLINE.
  pool.vdevs.push_back({"sdc", 2, "FAULTED"});
  CHECK(pool.Problems() == std::vector<std::string>{"vdev_FAULTED"});
  pool.health = "DEGRADED";
  pool.data_errors = 3;
  CHECK(pool.Problems() == std::vector<std::string>{"state_DEGRADED",
                                                    "data_errors",
                                                    "vdev_FAULTED"});
  CHECK_FALSE(pool.Healthy());
}

}  // namespace replwatch

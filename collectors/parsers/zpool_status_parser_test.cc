#include <map>
#include <string>
#include <vector>

#include "collectors/parsers/test_fixtures.h"
#include "collectors/parsers/zpool_status.h"
#include "testing/catch.h"

namespace replwatch::parsers {
namespace {

constexpr long kUnknown = -1;

struct VdevErrors {
  std::string name;
  std::uint64_t read, write, cksum;
};

// Facts from fixtures/real-world/INDEX.md (first pool of each file).
struct Expected {
  std::size_t pools;
  std::string state;
  long data_errors;
  ScanKind scan_kind;
  ScanState scan_state;
  std::vector<VdevErrors> nonzero;  // every vdev with a non-zero counter
};

const std::map<std::string, Expected>& ExpectedFacts() {
  using K = ScanKind;
  using S = ScanState;
  static const std::map<std::string, Expected> facts = {
      {"asokolsky-raidz2-healthy-after-clear",
       {1, "ONLINE", 0, K::kScrub, S::kFinished, {}}},
      {"asokolsky-raidz2-write-error-1-ZFS-8000-9P",
       {1, "ONLINE", 0, K::kScrub, S::kFinished, {{"sda", 0, 1, 0}}}},
      {"danjl-degraded-no-scan-line",
       {1, "DEGRADED", 0, K::kNone, S::kNone, {}}},
      {"danjl-degraded-removed",
       {1, "DEGRADED", 0, K::kScrub, S::kFinished, {}}},
      {"danjl-degraded-unavail-corrupted-data",
       {1, "DEGRADED", kUnknown, K::kScrub, S::kFinished, {}}},
      {"danjl-degraded-unavail-guid-was-cksum100980",
       {1,
        "DEGRADED",
        0,
        K::kScrub,
        S::kFinished,
        {{"12345678901234567890", 0, 0, 100980}}}},
      {"danjl-features-alt-wording-zpool-features5",
       {1, "ONLINE", 0, K::kScrub, S::kFinished, {}}},
      {"danjl-new-pool-no-scan-line", {1, "ONLINE", 0, K::kNone, S::kNone, {}}},
      {"danjl-online-data-corruption-1-error",
       {1, "ONLINE", 1, K::kScrub, S::kFinished, {}}},
      {"danjl-resilvered-complete",
       {1, "ONLINE", 0, K::kResilver, S::kFinished, {}}},
      {"danjl-scrub-canceled-features",
       {1, "ONLINE", 0, K::kScrub, S::kCanceled, {}}},
      {"danjl-scrub-in-progress-0pct",
       {1, "ONLINE", 0, K::kScrub, S::kInProgress, {}}},
      {"danjl-two-pools-features-upgrade-notice",
       {2, "ONLINE", 0, K::kScrub, S::kFinished, {}}},
      {"gustaebel-degraded-offline-48K-resilvered",
       {1, "DEGRADED", 0, K::kResilver, S::kFinished, {}}},
      {"gustaebel-faulted-metadata-corrupted",
       {1,
        "FAULTED",
        kUnknown,
        K::kNone,
        S::kNone,
        {{"tpool", 0, 0, 1}, {"c1t1d0", 0, 0, 2}, {"c1t3d0", 0, 0, 4}}}},
      {"gustaebel-illumos-old-replacing-52pct-resilvered",
       {1, "DEGRADED", kUnknown, K::kNone, S::kNone, {}}},
      {"gustaebel-import-view-faulted-no-counters",
       {1, "FAULTED", kUnknown, K::kNone, S::kNone, {}}},
      {"gustaebel-permanent-errors-file-list",
       {1, "ONLINE", 5, K::kNone, S::kNone, {}}},
      {"gustaebel-raidz1-cksum-errors-scrub-repaired-448K",
       {1,
        "ONLINE",
        0,
        K::kScrub,
        S::kFinished,
        {{"ata-WDC_WD20EFRX-68AX9N0_WD-WMC301719728", 0, 0, 12},
         {"ata-WDC_WD20EFRX-68AX9N0_WD-WMC301719975", 0, 0, 3},
         {"ata-WDC_WD20EFRX-68EUZN0_WD-WCC4M2TF1P1Y", 0, 0, 3}}}},
      {"gustaebel-raidz1-write-errors-1.13M-suffix",
       {1,
        "ONLINE",
        0,
        K::kNone,
        S::kNone,
        {{"gptid/5fe33556-3ff2-11e2-9437-f46d049aaeca", 3, 1184891, 0}}}},
      {"gustaebel-replacing-old-M-suffix-errors-indented-status",
       {1,
        "ONLINE",
        kUnknown,
        K::kScrub,
        S::kFinished,
        {{"replacing-1", 5809111, 20866662, 0}}}},
      {"gustaebel-scrub-in-progress-5pct-eta",
       {1, "ONLINE", 0, K::kScrub, S::kInProgress, {}}},
      {"gustaebel-scrub-in-progress-no-eta",
       {1, "ONLINE", 0, K::kScrub, S::kInProgress, {}}},
      {"gustaebel-solaris-8-data-errors-read-errors",
       {1,
        "ONLINE",
        8,
        K::kScrub,
        S::kFinished,
        {{"monkey", 8, 0, 0}, {"c1t1d0", 2, 0, 0}, {"c2t5d0", 6, 0, 0}}}},
      {"gustaebel-spares-avail-trailing-spaces",
       {1, "ONLINE", 0, K::kNone, S::kNone, {}}},
      {"jc-macos-three-pools-no-blank-lines",
       {3, "ONLINE", 0, K::kScrub, S::kCanceled, {}}},
      {"jc-solaris-degraded-mirror-unavail-scrub-none",
       {1, "DEGRADED", 0, K::kNone, S::kNone, {}}},
      {"jc-solaris-unavail-pool-permanent-errors",
       {1, "UNAVAIL", 3, K::kScrub, S::kFinished, {{"c1t1d0", 4, 1, 0}}}},
      {"jc-spares-avail-no-counters-scan-snipped",
       {1, "ONLINE", 0, K::kScrub, S::kFinished, {}}},
      {"jc-two-mirrors-features-upgrade-notice",
       {1, "ONLINE", 0, K::kScrub, S::kFinished, {}}},
      {"kolkhis-pve-online-permanent-errors-zvols",
       {1, "ONLINE", 5, K::kResilver, S::kFinished, {{"sdc", 0, 0, 8}}}},
      {"kolkhis-pve-scrub-in-progress-permanent-errors-hex-objsets",
       {1, "ONLINE", 14, K::kScrub, S::kInProgress, {}}},
      {"kolkhis-pve-suspended-stripe-faulted-67-data-errors",
       {1, "SUSPENDED", 67, K::kResilver, S::kFinished, {{"sdc", 8, 126, 0}}}},
      {"kolkhis-pve-suspended-v-list-unavailable",
       {1,
        "SUSPENDED",
        kUnknown,
        K::kResilver,
        S::kFinished,
        {{"sdc", 10, 176, 0}}}},
      {"openzfs-man-zpool-status-j-json-dedup-special",
       {1, "ONLINE", 0, K::kNone, S::kNone, {}}},
      // Added 2026-12: OpenZFS 2.3/2.4 era.
      {"belgianbeer-qiita-usb-raidz2-removed-have-been-removed-action-typo",
       {1, "DEGRADED", 0, K::kNone, S::kNone, {}}},
      {"belgianbeer-qiita-usb-raidz2-resilver-replacing-removed-plus-faulted-"
       "no-eta",
       {1, "DEGRADED", 0, K::kResilver, S::kInProgress, {}}},
      {"emesix-hwreport-pve9.1-rpool-two-disk-stripe-no-scan-line",
       {1, "ONLINE", 0, K::kNone, S::kNone, {}}},
      {"etu-blog-raidz2-scrub-and-expand-2-days-duration-pool-name-mismatch",
       {1, "ONLINE", 0, K::kScrub, S::kFinished, {}}},
      {"mtlynch-pr1476-draft-testpool2-usb-wide-name-column-scrub-and-expand",
       {1, "ONLINE", 0, K::kScrub, S::kFinished, {}}},
      {"mtlynch-raidz1-to-raidz2-degraded-sparse-file-offline-no-scan-line",
       {1, "DEGRADED", 0, K::kNone, S::kNone, {}}},
      {"mtlynch-raidz1-to-raidz2-resilver-replacing-offline-sparse-file-0-"
       "issued",
       {1, "DEGRADED", 0, K::kResilver, S::kInProgress, {}}},
      {"rstellma-zfs-readme-2.4.3-scrub-1-errors-expand-cksum-whitespace-line",
       {1,
        "ONLINE",
        0,
        K::kScrub,
        S::kFinished,
        {{"ata-TOSHIBA_HDWD130_Y28GXZ9AS", 0, 0, 4},
         {"ata-TOSHIBA_HDWD130_Y28GYBSAS", 0, 0, 4},
         {"ata-TOSHIBA_HDWD130_Y28GVHGAS", 0, 0, 2},
         {"ata-TOSHIBA_HDWD130_Y28GXUYAS", 0, 0, 2}}}},
      {"wiktordepina-homelab-resilver-replacing-unavail-guid-1-days-eta-logs-"
       "FRAGMENT",
       {1, "DEGRADED", kUnknown, K::kResilver, S::kInProgress, {}}},
  };
  return facts;
}

ZpoolStatus ParseAny(const std::string& text) {
  return text.find_first_not_of(" \n") != std::string::npos &&
                 text[text.find_first_not_of(" \n")] == '{'
             ? ParseZpoolStatusJson(text)
             : ParseZpoolStatus(text);
}

TEST_CASE("zpool status: every real-world fixture", "[zpool_status]") {
  std::size_t checked = 0;
  for (const auto& path : testing::FixtureFiles("zpool-status")) {
    INFO(path.filename().string());
    ZpoolStatus status;
    REQUIRE_NOTHROW(status = ParseAny(testing::ReadFixture(path)));
    CHECK(status.warnings.empty());
    REQUIRE_FALSE(status.pools.empty());
    for (const PoolStatus& pool : status.pools) {
      // The root row starts the tree; its name need not be the pool's (one
      // sample's pool: line was edited by its author, the tree was not).
      CHECK_FALSE(pool.vdevs.empty());
      CHECK(pool.vdevs.front().depth == 0);
      CHECK(std::count_if(pool.vdevs.begin(), pool.vdevs.end(),
                          [](const Vdev& v) { return v.depth == 0; }) == 1);
    }
    const auto it = ExpectedFacts().find(path.stem().string());
    if (it == ExpectedFacts().end()) continue;
    ++checked;
    const Expected& want = it->second;
    const PoolStatus& pool = status.pools.front();
    CHECK(status.pools.size() == want.pools);
    CHECK(pool.state == want.state);
    const long data_errors =
        pool.data_errors ? static_cast<long>(*pool.data_errors) : kUnknown;
    CHECK(data_errors == want.data_errors);
    CHECK(pool.scan.kind == want.scan_kind);
    CHECK(pool.scan.state == want.scan_state);
    std::vector<std::string> nonzero;
    for (const Vdev& v : pool.vdevs) {
      if (v.read_errors + v.write_errors + v.checksum_errors > 0)
        nonzero.push_back(v.name);
    }
    REQUIRE(nonzero.size() == want.nonzero.size());
    for (const VdevErrors& e : want.nonzero) {
      INFO(e.name);
      const auto v =
          std::find_if(pool.vdevs.begin(), pool.vdevs.end(),
                       [&](const Vdev& x) { return x.name == e.name; });
      REQUIRE(v != pool.vdevs.end());
      CHECK(v->read_errors == e.read);
      CHECK(v->write_errors == e.write);
      CHECK(v->checksum_errors == e.cksum);
    }
  }
  CHECK(checked == ExpectedFacts().size());
}

PoolStatus Fixture(const std::string& name) {
  return ParseAny(testing::ReadFixture(testing::RealWorldDir("zpool-status") /
                                       (name + ".txt")))
      .pools.front();
}

TEST_CASE("zpool status: details of real outputs", "[zpool_status]") {
  const PoolStatus corrupt = Fixture("danjl-online-data-corruption-1-error");
  CHECK(corrupt.msgid == "ZFS-8000-8A");
  CHECK(corrupt.error_list_unavailable);
  CHECK(corrupt.scan.errors == 1u);
  REQUIRE(corrupt.scan.end_time_local.has_value());
  CHECK(*corrupt.scan.end_time_local == LocalDateTime{2024, 2, 4, 20, 54, 25});
  CHECK(corrupt.scan.duration_seconds == 14 * 3600 + 7 * 60);  // "14h7m"
  CHECK(corrupt.status ==
        "One or more devices has experienced an error resulting in data\n"
        "corruption.  Applications may be affected.");

  const PoolStatus scrub = Fixture("gustaebel-scrub-in-progress-5pct-eta");
  REQUIRE(scrub.scan.progress_ratio.has_value());
  CHECK(*scrub.scan.progress_ratio == Approx(0.0496));
  CHECK(scrub.scan.start_time_local == LocalDateTime{2024, 2, 25, 3, 44, 16});

  const PoolStatus guid =
      Fixture("danjl-degraded-unavail-guid-was-cksum100980");
  CHECK(guid.vdevs[2].state == "UNAVAIL");
  CHECK(guid.vdevs[2].depth == 2);
  CHECK(guid.vdevs[2].annotation ==
        "was /dev/disk/by-id/ata-ST8000DM004-xxxxxx_redacted-part1");

  const PoolStatus spares = Fixture("gustaebel-spares-avail-trailing-spaces");
  CHECK(spares.vdevs.back().group == VdevGroup::kSpares);
  CHECK(spares.vdevs.back().state == "AVAIL");
  CHECK_FALSE(spares.vdevs.back().has_counters);

  const PoolStatus suffix =
      Fixture("gustaebel-raidz1-write-errors-1.13M-suffix");
  CHECK(suffix.vdevs[3].counters_approximate);
  CHECK_FALSE(suffix.vdevs[2].counters_approximate);

  const PoolStatus zvols = Fixture("kolkhis-pve-online-permanent-errors-zvols");
  REQUIRE(zvols.permanent_error_paths.size() == 5);
  CHECK(zvols.permanent_error_paths[1] ==
        "vmdata/vm-204-disk-0@clean-cluster-init:<0x1>");

  const PoolStatus suspended =
      Fixture("kolkhis-pve-suspended-stripe-faulted-67-data-errors");
  CHECK(suspended.vdevs[0].state == "UNAVAIL");
  CHECK(suspended.vdevs[0].annotation == "insufficient replicas");
  CHECK(suspended.vdevs[2].annotation == "too many errors");
}

TEST_CASE("zpool status: man-page JSON", "[zpool_status]") {
  const PoolStatus pool =
      Fixture("openzfs-man-zpool-status-j-json-dedup-special");
  CHECK(pool.name == "tank");
  CHECK(pool.vdevs[1].name == "raidz1-0");
  CHECK(pool.vdevs[1].state == "ONLINE");  // "HEALTHY" in the man page
  CHECK(pool.vdevs[1].depth == 1);
  std::size_t dedup = 0, special = 0;
  for (const Vdev& v : pool.vdevs) {
    dedup += v.group == VdevGroup::kDedup;
    special += v.group == VdevGroup::kSpecial;
  }
  CHECK(dedup == 3);
  CHECK(special == 1);
}

TEST_CASE("zpool status: the pool is named by its pool: line, not its tree",
          "[zpool_status]") {
  const PoolStatus pool = Fixture(
      "etu-blog-raidz2-scrub-and-expand-2-days-duration-pool-name-mismatch");
  CHECK(pool.name == "zstorage-ng");
  CHECK(pool.vdevs.front().name == "zstorage");
  CHECK(pool.vdevs.size() == 6);
}

}  // namespace
}  // namespace replwatch::parsers

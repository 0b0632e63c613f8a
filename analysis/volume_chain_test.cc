#include "analysis/volume_chain.h"

#include "collectors/parsers/zfs_get_parser.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

// `zfs list -Hp -t snapshot -o name,guid,createtxg,creation` lines.
std::string Snap(const std::string& dataset, const std::string& name,
                 std::uint64_t guid, std::uint64_t txg) {
  return dataset + "@" + name + "\t" + std::to_string(guid) + "\t" +
         std::to_string(txg) + "\t" + std::to_string(1700000000 + txg) + "\n";
}

std::string Prop(const std::string& dataset, const std::string& property,
                 const std::string& value) {
  return dataset + "\t" + property + "\t" + value + "\n";
}

std::shared_ptr<DatasetsFacts> Datasets(const std::string& text) {
  return BuildDatasetsFacts(parsers::ParseZfsGet(text).properties);
}

const std::string kVolume = "rpool/data/vm-100-disk-0";
const std::string kBase = "__replicate_100-0_1700000100__";
const std::string kOlder = "__replicate_100-0_1700000050__";

struct Chain {
  std::string source_snapshots = Snap(kVolume, "autosnap_a", 11, 10) +
                                 Snap(kVolume, kOlder, 22, 50) +
                                 Snap(kVolume, kBase, 33, 100);
  std::string target_snapshots = Snap(kVolume, "autosnap_a", 11, 7) +
                                 Snap(kVolume, kOlder, 22, 40) +
                                 Snap(kVolume, kBase, 33, 90);
  std::string source_props = Prop(kVolume, "type", "volume") +
                             Prop(kVolume, "volsize", "34359738368") +
                             Prop(kVolume, "written", "4096");
  std::string target_props = Prop(kVolume, "type", "volume") +
                             Prop(kVolume, "volsize", "34359738368") +
                             Prop(kVolume, "written", "0");

  // `use(chain)` on the chain of these facts, while they live.
  template <typename Use>
  auto Analyze(Use use) const {
    const auto source = SnapshotsFacts::FromZfsList(source_snapshots);
    const auto target = SnapshotsFacts::FromZfsList(target_snapshots);
    const auto source_ds = Datasets(source_props);
    const auto target_ds = Datasets(target_props);
    const VolumeChainInputs inputs{"100-0",         1700000100,
                                   source.get(),    target.get(),
                                   source_ds.get(), target_ds.get()};
    return use(AnalyzeChain(inputs, kVolume));
  }
  std::string Render() const {
    return Analyze([](const ChainState& chain) {
      MetricSet out;
      RenderVolumeChain(chain, kVolume, {{"job_id", "100-0"}}, out);
      return out.Serialize();
    });
  }
  std::optional<bool> NoCommonBase() const {
    return Analyze(
        [](const ChainState& chain) { return chain.NoCommonBase(); });
  }
};

bool Has(const std::string& text, const std::string& series) {
  return text.find(series) != std::string::npos;
}

const std::string kLabels =
    "{job_id=\"100-0\",volume=\"rpool/data/vm-100-disk-0\"}";

TEST_CASE("a healthy chain shares its replication snapshots", "[chain]") {
  const std::string text = Chain().Render();
  CHECK(Has(text, "replwatch_volume_common_snapshots" + kLabels + " 2\n"));
  CHECK(Has(text, "replwatch_volume_target_diverged" + kLabels + " 0\n"));
  CHECK(
      Has(text, "replwatch_volume_source_ahead_snapshots" + kLabels + " 0\n"));
  CHECK(Has(text, "replwatch_volume_last_common_snapshot_timestamp_seconds" +
                      kLabels + " 1700000100\n"));
  CHECK(Has(text,
            "replwatch_volume_base_snapshot_present{job_id=\"100-0\","
            "volume=\"rpool/data/vm-100-disk-0\",side=\"target\"} 1"));
  CHECK(Has(text, "replwatch_volume_target_type_mismatch" + kLabels + " 0\n"));
  CHECK(Has(text, "replwatch_volume_size_mismatch" + kLabels + " 0\n"));
}

TEST_CASE("a common snapshot without a creation time has no timestamp",
          "[chain]") {
  Chain chain;
  const std::string dashed = kVolume + "@" + kBase + "\t33\t100\t-\n";
  chain.source_snapshots = Snap(kVolume, kOlder, 22, 50) + dashed;
  const std::string text = chain.Render();
  CHECK(Has(text, "replwatch_volume_common_snapshots" + kLabels + " 2\n"));
  CHECK_FALSE(
      Has(text, "replwatch_volume_last_common_snapshot_timestamp_seconds"));
}

TEST_CASE("snapshots deleted on the target break the chain", "[chain]") {
  Chain chain;
  // Only the autosnap survives "cleanup": same GUID, but not a base PVE uses.
  chain.target_snapshots = Snap(kVolume, "autosnap_a", 11, 7);
  const std::string text = chain.Render();
  CHECK(Has(text, "replwatch_volume_common_snapshots" + kLabels + " 0\n"));
  CHECK(Has(text, "side=\"target\"} 0"));
  CHECK(Has(text, "side=\"source\"} 1"));
}

TEST_CASE("a listing of another run than the job state leaves the base unknown",
          "[chain]") {
  // The state says the run of ...100 succeeded, but the target was listed
  // before that run's snapshot arrived: it still holds only the one before.
  Chain before_the_run;
  before_the_run.target_snapshots = Snap(kVolume, kOlder, 22, 40);
  std::string text = before_the_run.Render();
  CHECK_FALSE(Has(text, "side=\"target\""));
  CHECK(Has(text, "side=\"source\"} 1"));
  // The source was listed after a newer run the state does not know yet: its
  // cleanup already removed ...100.
  Chain after_a_newer_run;
  after_a_newer_run.source_snapshots =
      Snap(kVolume, "__replicate_100-0_1700000200__", 44, 200);
  text = after_a_newer_run.Render();
  CHECK_FALSE(Has(text, "side=\"source\""));
  CHECK(Has(text, "side=\"target\"} 1"));
  // With no snapshot of the job left on a side, the base is missing there.
  Chain deleted;
  deleted.target_snapshots =
      Snap(kVolume, "__replicate_101-0_1700000100__", 55, 90);  // another job's
  CHECK(Has(deleted.Render(), "side=\"target\"} 0"));
}

TEST_CASE("no common base is unknown only when read across runs", "[chain]") {
  CHECK(Chain().NoCommonBase() == false);
  // Deleted on the target: broken, whatever the state says.
  Chain deleted;
  deleted.target_snapshots = Snap(kVolume, "autosnap_a", 11, 7);
  CHECK(deleted.NoCommonBase() == true);
  // The source listed after a run the target was listed before: its new
  // snapshot has not arrived there, its old one is gone here.
  Chain across_a_run;
  across_a_run.source_snapshots =
      Snap(kVolume, "__replicate_100-0_1700000200__", 44, 200);
  across_a_run.target_snapshots = Snap(kVolume, kBase, 33, 90);
  CHECK(across_a_run.NoCommonBase() == std::nullopt);
  // Left out of /metrics, as the unknown base presence is.
  const std::string text = across_a_run.Render();
  CHECK_FALSE(Has(text, "replwatch_volume_common_snapshots"));
  CHECK_FALSE(Has(text, "replwatch_volume_source_ahead_snapshots"));
  CHECK(Has(text, "replwatch_volume_target_present" + kLabels + " 1\n"));
}

TEST_CASE("same names with other GUIDs are not common", "[chain]") {
  Chain chain;
  // A re-created target carrying snapshots of the same names.
  chain.target_snapshots =
      Snap(kVolume, kOlder, 222, 40) + Snap(kVolume, kBase, 333, 90);
  CHECK(Has(chain.Render(),
            "replwatch_volume_common_snapshots" + kLabels + " 0\n"));
}

TEST_CASE("a written or snapshotted replica has diverged", "[chain]") {
  Chain written;
  written.target_props =
      Prop(kVolume, "type", "volume") + Prop(kVolume, "written", "8192");
  CHECK(Has(written.Render(),
            "replwatch_volume_target_diverged" + kLabels + " 1\n"));
  Chain extra;
  extra.target_snapshots += Snap(kVolume, "manual_on_target", 44, 95);
  CHECK(Has(extra.Render(),
            "replwatch_volume_target_diverged" + kLabels + " 1\n"));
}

TEST_CASE("type and size mismatches are flagged", "[chain]") {
  Chain chain;
  chain.target_props = Prop(kVolume, "type", "filesystem");
  CHECK(Has(chain.Render(),
            "replwatch_volume_target_type_mismatch" + kLabels + " 1\n"));
  Chain resized;
  resized.target_props =
      Prop(kVolume, "type", "volume") + Prop(kVolume, "volsize", "1073741824");
  CHECK(Has(resized.Render(),
            "replwatch_volume_size_mismatch" + kLabels + " 1\n"));
}

TEST_CASE("a volume not yet on the target is pending, not broken", "[chain]") {
  Chain chain;
  chain.target_snapshots = Snap("rpool/data/other", "x", 1, 1);
  chain.target_props = Prop("rpool/data", "available", "1000");
  const std::string text = chain.Render();
  CHECK(Has(text, "replwatch_volume_target_present" + kLabels + " 0\n"));
  CHECK_FALSE(Has(text, "replwatch_volume_common_snapshots"));
}

TEST_CASE("job volumes are found from their replication snapshots", "[chain]") {
  const auto facts = SnapshotsFacts::FromZfsList(
      Snap(kVolume, kBase, 1, 1) +
      Snap("rpool/data/vm-100-disk-1", kBase, 2, 2) +
      Snap("rpool/data/vm-101-disk-0", "__replicate_101-0_5__", 3, 3) +
      Snap("rpool/data/vm-102-disk-0", "autosnap_x", 4, 4) +
      // Not volumes of job 100-0: renamed out of the way by Plan B, and
      // another guest's disk holding a copy of the snapshot.
      Snap("rpool/data/stale-vm-100-disk-0", kBase, 5, 5) +
      Snap("rpool/data/vm-103-disk-0", kBase, 6, 6));
  const JobVolumeIndex index = IndexJobVolumes(facts.get());
  CHECK(index.at("100-0") ==
        std::vector<std::string>{kVolume, "rpool/data/vm-100-disk-1"});
  CHECK(index.at("101-0") ==
        std::vector<std::string>{"rpool/data/vm-101-disk-0"});
  CHECK(index.size() == 2);
}

}  // namespace
}  // namespace replwatch

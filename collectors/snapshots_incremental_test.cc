// The incremental snapshot inventory against a model node whose `zfs`
// keeps `snapshots_changed` as OpenZFS does: whole seconds, set on every
// snapshot creation and destruction (dsl_dir_snap_cmtime_update()).

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "collectors/snapshots.h"
#include "testing/catch.h"
#include "transport/transport.h"

namespace replwatch {
namespace {

class ModelZfsNode : public Transport {
 public:
  struct Snap {
    std::string name;
    std::uint64_t guid;
    std::uint64_t createtxg;
    std::int64_t creation;
  };
  struct Dataset {
    std::vector<Snap> snaps;  // by createtxg
    std::int64_t changed = 0;
  };

  std::int64_t clock = 1795660000;  // the node's, in seconds
  bool has_property = true;         // OpenZFS >= 2.2
  std::map<std::string, Dataset> datasets;
  std::vector<CommandId> ids_run;
  std::uint64_t output_bytes = 0;
  /// Runs right after the node answers zfs-list-snapshots-changed.
  std::function<void()> after_reading;
  std::string changed_output_override;

  void Snapshot(const std::string& dataset, const std::string& name) {
    Dataset& ds = datasets[dataset];
    ds.snaps.push_back({name, next_guid_++, next_txg_++, clock});
    ds.changed = clock;
  }
  void Destroy(const std::string& dataset, std::size_t index) {
    Dataset& ds = datasets.at(dataset);
    ds.snaps.erase(ds.snaps.begin() + index);
    ds.changed = clock;
  }

  CommandResult Run(const RemoteCommand& command) override {
    ids_run.push_back(command.id());
    CommandResult result = Answer(command);
    output_bytes += result.out.size() + result.err.size();
    if (command.id() == CommandId::kZfsListSnapshotsChanged && after_reading) {
      after_reading();
      after_reading = nullptr;
    }
    return result;
  }
  void Cancel() override {}

 private:
  static std::string Line(const std::string& dataset, const Snap& snap) {
    return dataset + "@" + snap.name + "\t" + std::to_string(snap.guid) + "\t" +
           std::to_string(snap.createtxg) + "\t" +
           std::to_string(snap.creation) + "\n";
  }

  CommandResult Answer(const RemoteCommand& command) {
    CommandResult result;
    result.exit_status = 0;
    const CommandId id = command.id();
    if (id == CommandId::kDate) {
      result.out = std::to_string(clock) + ".250000000\n";
    } else if (id == CommandId::kZfsListSnapshotsChanged) {
      if (!has_property) {
        result.exit_status = 2;
        result.err =
            "bad property list: invalid property 'snapshots_changed'\n"
            "usage:\n";
      } else if (!changed_output_override.empty()) {
        result.out = changed_output_override;
      } else {
        for (const auto& [name, ds] : datasets) {
          result.out += name + "\t" +
                        (ds.changed == 0 ? "-" : std::to_string(ds.changed)) +
                        "\n";
        }
      }
    } else if (id == CommandId::kZfsListSnapshots) {
      std::vector<std::pair<std::uint64_t, std::string>> lines;
      for (const auto& [name, ds] : datasets) {
        for (const Snap& snap : ds.snaps) {
          lines.emplace_back(snap.createtxg, Line(name, snap));
        }
      }
      std::sort(lines.begin(), lines.end());
      for (const auto& line : lines) result.out += line.second;
    } else if (id == CommandId::kZfsListSnapshotsOf) {
      // zfs_for_each(): missing operands are reported, the rest listed,
      // sorted by dataset name and createtxg.
      std::vector<std::string> operands(command.argv().begin() + 11,
                                        command.argv().end());
      std::sort(operands.begin(), operands.end());
      for (const std::string& operand : operands) {
        const auto it = datasets.find(operand);
        if (it == datasets.end()) {
          result.err +=
              "cannot open '" + operand + "': dataset does not exist\n";
          result.exit_status = 1;
          continue;
        }
        for (const Snap& snap : it->second.snaps) {
          result.out += Line(operand, snap);
        }
      }
    } else {
      throw TransportError(TransportFailure::kExec,
                           "not modelled: " + std::string(command.name()));
    }
    return result;
  }

  std::uint64_t next_guid_ = 1000;
  std::uint64_t next_txg_ = 100;
};

struct Watcher {
  double now = 1795660000;
  SnapshotsCollector collector{[this] { return now; }};
  NodeConfig node;
  std::vector<PeerNode> peers;
  FirstSightings first_sightings;

  std::shared_ptr<const SnapshotsFacts> Collect(Transport& transport) {
    const CollectContext context{
        node, peers,
        [](std::string_view) { return std::shared_ptr<const Facts>(); },
        first_sightings};
    auto facts = std::dynamic_pointer_cast<const SnapshotsFacts>(
        collector.Collect(transport, context));
    REQUIRE(facts != nullptr);
    return facts;
  }
};

// The inventory a full listing of the node gives now.
std::shared_ptr<SnapshotsFacts> FullInventory(ModelZfsNode& node) {
  CommandResult listing = node.Run(MakeCommand(CommandId::kZfsListSnapshots));
  node.ids_run.pop_back();
  return SnapshotsFacts::FromZfsList(listing.out);
}

void CheckSameInventory(const SnapshotsFacts& got, const SnapshotsFacts& want) {
  CHECK(got.snapshot_count() == want.snapshot_count());
  REQUIRE(got.datasets().size() == want.datasets().size());
  for (const auto& [dataset, snapshots] : want.datasets()) {
    INFO(dataset);
    const std::vector<Snapshot>* mine = got.Of(dataset);
    REQUIRE(mine != nullptr);
    REQUIRE(mine->size() == snapshots.size());
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
      CHECK((*mine)[i].name == snapshots[i].name);
      CHECK((*mine)[i].guid == snapshots[i].guid);
      CHECK((*mine)[i].createtxg == snapshots[i].createtxg);
      CHECK((*mine)[i].creation == snapshots[i].creation);
    }
  }
  CHECK(got.replicated().size() == want.replicated().size());
}

ModelZfsNode TwoGuests() {
  ModelZfsNode node;
  node.datasets["rpool/data"];
  for (const char* guest :
       {"rpool/data/vm-100-disk-0", "rpool/data/vm-101-disk-0"}) {
    node.Snapshot(guest, "autosnap_1");
    node.Snapshot(guest, "__replicate_100-0_1795659000__");
  }
  node.clock += 10;
  return node;
}

TEST_CASE("incremental snapshots: a quiet cycle reads only what changed",
          "[snapshots]") {
  ModelZfsNode node = TwoGuests();
  Watcher watcher;
  const auto first = watcher.Collect(node);
  CHECK(node.ids_run ==
        std::vector<CommandId>{CommandId::kDate,
                               CommandId::kZfsListSnapshotsChanged,
                               CommandId::kZfsListSnapshots});
  CHECK_FALSE(first->listing.incremental);
  const std::uint64_t full_bytes = node.output_bytes;

  node.ids_run.clear();
  node.output_bytes = 0;
  node.clock += 30;
  watcher.now += 30;
  const auto quiet = watcher.Collect(node);
  // rpool/data never had a snapshot: its "-" says nothing, so it is
  // listed every cycle (no output).
  CHECK(node.ids_run ==
        std::vector<CommandId>{CommandId::kDate,
                               CommandId::kZfsListSnapshotsChanged,
                               CommandId::kZfsListSnapshotsOf});
  CHECK(quiet->listing.incremental);
  CHECK(quiet->listing.datasets_listed == 1);
  CHECK(node.output_bytes < full_bytes);
  CheckSameInventory(*quiet, *FullInventory(node));
}

TEST_CASE(
    "incremental snapshots: a new, a destroyed snapshot and a new "
    "dataset are each listed once",
    "[snapshots]") {
  ModelZfsNode node = TwoGuests();
  Watcher watcher;
  watcher.Collect(node);
  node.clock += 30;
  watcher.now += 30;
  node.Snapshot("rpool/data/vm-100-disk-0", "__replicate_100-0_1795660040__");
  node.Destroy("rpool/data/vm-101-disk-0", 1);
  node.Snapshot("rpool/data/vm-102-disk-0", "first");
  node.clock += 1;
  node.ids_run.clear();
  const auto facts = watcher.Collect(node);
  CHECK(node.ids_run ==
        std::vector<CommandId>{CommandId::kDate,
                               CommandId::kZfsListSnapshotsChanged,
                               CommandId::kZfsListSnapshotsOf});
  CHECK(facts->listing.datasets_listed == 3 + 1);  // and rpool/data
  CheckSameInventory(*facts, *FullInventory(node));
  const Snapshot* latest =
      facts->LatestReplicationSnapshot("rpool/data/vm-100-disk-0", "100-0");
  REQUIRE(latest != nullptr);
  CHECK(latest->name == "__replicate_100-0_1795660040__");
  CHECK(facts->LatestReplicationSnapshot("rpool/data/vm-101-disk-0", "100-0") ==
        nullptr);
}

TEST_CASE(
    "incremental snapshots: a change in the second of the last reading "
    "is not missed",
    "[snapshots]") {
  ModelZfsNode node = TwoGuests();
  Watcher watcher;
  // The reading and a snapshot in the same second: the value it leaves is
  // that second, and a later change in it would leave the value as it is.
  node.Snapshot("rpool/data/vm-100-disk-0", "same_second_1");
  watcher.Collect(node);
  node.Snapshot("rpool/data/vm-100-disk-0", "same_second_2");
  node.ids_run.clear();
  const auto next = watcher.Collect(node);
  CHECK(next->listing.datasets_listed == 1 + 1);  // and rpool/data
  CheckSameInventory(*next, *FullInventory(node));
  // Once the clock has moved on, the dataset is settled.
  node.clock += 1;
  watcher.Collect(node);
  node.clock += 1;
  CHECK(watcher.Collect(node)->listing.datasets_listed == 1);
}

TEST_CASE("incremental snapshots: random histories match a full listing",
          "[snapshots]") {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    INFO("seed " << seed);
    std::mt19937 random(seed);
    const auto chance = [&](int percent) {
      return static_cast<int>(random() % 100) < percent;
    };
    ModelZfsNode node;
    Watcher watcher;
    std::vector<std::string> names;
    for (int i = 0; i < 6; ++i) {
      names.push_back("rpool/data/vm-" + std::to_string(100 + i) + "-disk-0");
    }
    for (int step = 0; step < 40; ++step) {
      INFO("step " << step);
      if (chance(50)) node.clock += 1 + random() % 3;
      if (chance(30)) watcher.now += 3 * 3600;  // sometimes a full listing
      const int changes = random() % 4;
      for (int c = 0; c < changes; ++c) {
        const std::string& dataset = names[random() % names.size()];
        auto it = node.datasets.find(dataset);
        const int kind = random() % 10;
        if (kind < 5 || it == node.datasets.end()) {
          node.Snapshot(dataset,
                        "s" + std::to_string(step) + "_" + std::to_string(c));
        } else if (kind < 8 && !it->second.snaps.empty()) {
          node.Destroy(dataset, random() % it->second.snaps.size());
        } else if (kind == 8) {
          node.datasets.erase(it);
        } else {
          it->second.changed = 0;  // re-imported without extensible_dataset
        }
      }
      const auto facts = watcher.Collect(node);
      CheckSameInventory(*facts, *FullInventory(node));
    }
  }
}

TEST_CASE(
    "incremental snapshots: a node without snapshots_changed is listed "
    "in full and asked again an hour later",
    "[snapshots]") {
  ModelZfsNode node = TwoGuests();
  node.has_property = false;
  Watcher watcher;
  const auto first = watcher.Collect(node);
  CHECK(node.ids_run ==
        std::vector<CommandId>{CommandId::kDate,
                               CommandId::kZfsListSnapshotsChanged,
                               CommandId::kZfsListSnapshots});
  CHECK(first->warnings.total() == 0);
  CHECK_FALSE(first->listing.incremental);
  node.ids_run.clear();
  watcher.now += 600;
  watcher.Collect(node);
  CHECK(node.ids_run == std::vector<CommandId>{CommandId::kZfsListSnapshots});
  // Upgraded meanwhile.
  node.has_property = true;
  node.ids_run.clear();
  watcher.now += SnapshotsCollector::kPropertyRetryInterval;
  watcher.Collect(node);
  node.ids_run.clear();
  node.clock += 5;
  const auto upgraded = watcher.Collect(node);
  CHECK(upgraded->listing.incremental);
}

TEST_CASE("incremental snapshots: a full listing every 6 hours",
          "[snapshots]") {
  ModelZfsNode node = TwoGuests();
  Watcher watcher;
  watcher.Collect(node);
  watcher.now += SnapshotsCollector::kFullListingInterval - 1;
  node.ids_run.clear();
  CHECK(watcher.Collect(node)->listing.incremental);
  watcher.now += 1;
  CHECK_FALSE(watcher.Collect(node)->listing.incremental);
}

TEST_CASE(
    "incremental snapshots: what it cannot trust it lists in full, "
    "saying why",
    "[snapshots]") {
  ModelZfsNode node = TwoGuests();
  Watcher watcher;
  watcher.Collect(node);
  node.clock += 5;
  SECTION("a dataset destroyed between the reading and the listing") {
    node.Snapshot("rpool/data/vm-100-disk-0", "new");
    node.clock += 1;
    node.after_reading = [&] {
      node.datasets.erase("rpool/data/vm-100-disk-0");
    };
    const auto facts = watcher.Collect(node);
    CHECK_FALSE(facts->listing.incremental);
    REQUIRE(facts->warnings.total() == 1);
    CHECK_THAT(facts->warnings.kept()[0].message,
               Catch::Matchers::ContainsSubstring(
                   "zfs-list-snapshots-of exited with status 1 (cannot open "
                   "'rpool/data/vm-100-disk-0': dataset does not exist)"));
    CheckSameInventory(*facts, *FullInventory(node));
    node.clock += 5;
    CHECK(watcher.Collect(node)->listing.incremental);
  }
  SECTION("malformed snapshots_changed output") {
    node.changed_output_override = "rpool/data/vm-100-disk-0\tyesterday\n";
    const auto facts = watcher.Collect(node);
    CHECK_FALSE(facts->listing.incremental);
    REQUIRE(facts->warnings.total() == 1);
    CHECK_THAT(facts->warnings.kept()[0].message,
               Catch::Matchers::ContainsSubstring(
                   "snapshots_changed is not an epoch: 'yesterday'"));
    CheckSameInventory(*facts, *FullInventory(node));
  }
  SECTION("a name that no dataset can have") {
    node.changed_output_override = "rpool/data/$(reboot)\t1795660000\n";
    const auto facts = watcher.Collect(node);
    REQUIRE(facts->warnings.total() == 1);
    CHECK_THAT(facts->warnings.kept()[0].message,
               Catch::Matchers::ContainsSubstring("not a dataset name"));
  }
}

}  // namespace
}  // namespace replwatch

#include "collectors/datasets.h"

#include <array>

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
    "zfs list -Hp -t filesystem,volume -o "
    "name,type,available,used,quota,refquota,reservation,refreservation,"
    "volsize,written,receive_resume_token,keystatus,encryption,guid,"
    "encryptionroot";

struct Row {
  const char* name;
  std::array<const char*, 14> values;  // in kList's column order, after name
};

// `zfs list -Hp -o name,...` prints one line per dataset, its values in
// column order (as the lab stand-ins print them for OpenZFS 2.2).
std::string ZfsListOutput(const std::vector<Row>& rows) {
  std::string out;
  for (const Row& row : rows) {
    out += row.name;
    for (const char* value : row.values) out += std::string("\t") + value;
    out += "\n";
  }
  return out;
}

constexpr char kToken[] = "1-656f71d21-d3-789c01b4004bff7b6850240797f56a0d";

const std::vector<Row> kLabRows = {
    {"rpool",
     {"filesystem", "187276092061", "91393465699", "0", "0", "0", "0", "-",
      "106496", "-", "none", "off", "17744636825010227792", "-"}},
    {"rpool/ROOT/pve-1",
     {"filesystem", "187276092061", "3978615915", "0", "0", "0", "0", "-",
      "3978615915", "-", "none", "off", "12536959644873032284", "-"}},
    {"rpool/data",
     {"filesystem", "187276092061", "85663030323", "0", "0", "0", "0", "-",
      "98304", "-", "none", "off", "3115477589085452615", "-"}},
    {"rpool/data/vm-100-disk-0",
     {"volume", "187276092061", "39495026743", "-", "-", "0", "0",
      "68719476736", "0", kToken, "none", "off", "10361851376387316514", "-"}},
    {"rpool/data/vm-101-disk-0",
     {"volume", "187276092061", "8116728157", "-", "-", "0", "0", "8589934592",
      "0", "-", "unavailable", "aes-256-gcm", "10547925507531146710",
      "rpool/data/vm-101-disk-0"}},
    {"rpool/data/subvol-102-disk-0",
     {"filesystem", "8589934592", "1073741824", "0", "8589934592", "0", "0",
      "-", "65536", "-", "available", "aes-256-gcm", "42",
      "rpool/data/subvol-102-disk-0"}},
    {"rpool/var-lib-vz",
     {"filesystem", "187276092061", "98304", "0", "0", "0", "0", "-", "98304",
      "-", "none", "off", "7", "-"}}};

const std::string kNode = "{pve_cluster=\"lab\",node=\"pve1\"";

std::string DatasetSeries(const std::string& name, const std::string& dataset) {
  return name + kNode + ",dataset=\"" + dataset + "\"}";
}

// `first_sightings`: the daemon's (a new one per call unless given).
std::shared_ptr<const DatasetsFacts> Collect(
    DatasetsCollector& collector, ScriptedTransport& transport,
    std::shared_ptr<FirstSightings> first_sightings =
        std::make_shared<FirstSightings>()) {
  testing::TestContext context;
  context.first_sightings = std::move(first_sightings);
  auto facts = std::dynamic_pointer_cast<const DatasetsFacts>(
      collector.Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  return facts;
}

TEST_CASE("datasets: one command, all values, lookups", "[datasets]") {
  ScriptedTransport transport;
  transport.Answer(kList, ZfsListOutput(kLabRows));
  DatasetsCollector collector([] { return 1000.0; });
  const auto facts = Collect(collector, transport);
  CHECK(transport.commands_run() == std::vector<std::string>{kList});
  CHECK(facts->datasets.size() == kLabRows.size());

  const DatasetInfo* volume = facts->Find("rpool/data/vm-100-disk-0");
  REQUIRE(volume != nullptr);
  CHECK(volume->type == "volume");
  CHECK(volume->available_bytes == 187276092061u);
  CHECK(volume->volsize_bytes == 68719476736u);
  CHECK(volume->written_bytes == 0u);
  CHECK_FALSE(volume->quota_bytes);        // "-" on volumes
  CHECK_FALSE(volume->reservation_bytes);  // 0 = none
  CHECK(volume->receive_resume_token == std::string(kToken));
  CHECK_FALSE(volume->keystatus);  // "none"
  CHECK_FALSE(volume->encrypted());
  CHECK(volume->guid == 10361851376387316514u);
  CHECK(volume->resume_token_first_seen == 1000.0);

  const DatasetInfo* subvol = facts->Find("rpool/data/subvol-102-disk-0");
  REQUIRE(subvol != nullptr);
  CHECK(subvol->refquota_bytes == 8589934592u);
  CHECK_FALSE(subvol->volsize_bytes);
  CHECK(subvol->encrypted());
  CHECK_FALSE(subvol->receive_resume_token);
  CHECK_FALSE(subvol->resume_token_first_seen);

  CHECK(facts->Find("rpool/data/vm-999-disk-0") == nullptr);
  // A replica not created yet lands in its parent.
  CHECK(facts->AvailableFor("rpool/data/vm-999-disk-0") == 187276092061u);
  CHECK(facts->AvailableFor("rpool/data/subvol-102-disk-0") == 8589934592u);
  CHECK_FALSE(facts->AvailableFor("tank/data/vm-999-disk-0"));
}

TEST_CASE("datasets: series only for guest volumes and headroom parents",
          "[datasets]") {
  ScriptedTransport transport;
  transport.Answer(kList, ZfsListOutput(kLabRows));
  DatasetsCollector collector([] { return 1000.0; });
  const std::string text = testing::RenderText(*Collect(collector, transport));
  CheckPromtoolClean(text);

  CHECK(text.find("rpool/ROOT/pve-1") == std::string::npos);
  CHECK(text.find("rpool/var-lib-vz") == std::string::npos);
  CHECK(SampleCount(text, "replwatch_dataset_used_bytes") == 3);
  CHECK(SampleCount(text, "replwatch_dataset_available_bytes") == 5);
  CHECK(SampleValue(text, DatasetSeries("replwatch_dataset_available_bytes",
                                        "rpool/data")) == 187276092061.0);
  CHECK(SampleValue(text, DatasetSeries("replwatch_dataset_available_bytes",
                                        "rpool")) == 187276092061.0);
  CHECK(SampleCount(text, "replwatch_dataset_quota_bytes") == 0);
  CHECK(SampleCount(text, "replwatch_dataset_reservation_bytes") == 0);
  CHECK(SampleValue(text, DatasetSeries("replwatch_dataset_refquota_bytes",
                                        "rpool/data/subvol-102-disk-0")) ==
        8589934592.0);
  CHECK(SampleCount(text, "replwatch_dataset_volsize_bytes") == 2);
  CHECK(SampleValue(text, DatasetSeries("replwatch_dataset_written_bytes",
                                        "rpool/data/subvol-102-disk-0")) ==
        65536);
  CHECK(
      SampleValue(text, DatasetSeries("replwatch_dataset_resume_token_present",
                                      "rpool/data/vm-100-disk-0")) == 1);
  CHECK(
      SampleValue(text, DatasetSeries("replwatch_dataset_resume_token_present",
                                      "rpool/data/vm-101-disk-0")) == 0);
  CHECK(SampleValue(text,
                    DatasetSeries("replwatch_dataset_resume_token_first_seen_"
                                  "timestamp_seconds",
                                  "rpool/data/vm-100-disk-0")) == 1000);
  CHECK(SampleCount(
            text,
            "replwatch_dataset_resume_token_first_seen_timestamp_seconds") ==
        1);
  CHECK(SampleValue(text, DatasetSeries("replwatch_dataset_key_loaded",
                                        "rpool/data/vm-101-disk-0")) == 0);
  CHECK(SampleValue(text, DatasetSeries("replwatch_dataset_key_loaded",
                                        "rpool/data/subvol-102-disk-0")) == 1);
  CHECK(SampleCount(text, "replwatch_dataset_key_loaded") == 2);
  CHECK(SampleCount(text, "replwatch_pool_slop_bytes") == 1);
}

TEST_CASE("datasets: resume token first seen survives cycles, not changes",
          "[datasets]") {
  double now = 1000;
  DatasetsCollector collector([&now] { return now; });
  const auto sightings = std::make_shared<FirstSightings>();
  std::vector<Row> rows = kLabRows;
  auto first_seen = [&](const std::string& token) {
    rows[3].values[9] = token.c_str();
    ScriptedTransport transport;
    transport.Answer(kList, ZfsListOutput(rows));
    return Collect(collector, transport, sightings)
        ->Find("rpool/data/vm-100-disk-0")
        ->resume_token_first_seen;
  };
  CHECK(first_seen(kToken) == 1000.0);
  now = 1060;
  CHECK(first_seen(kToken) == 1000.0);
  now = 1120;
  {
    ScriptedTransport failing;
    failing.Answer(kList, "", 1, "cannot iterate filesystems: I/O error\n");
    testing::TestContext context;
    CHECK_THROWS_AS(collector.Collect(failing, context.Get()), CollectorError);
  }
  CHECK(first_seen(kToken) == 1000.0);  // a failed cycle forgets nothing
  now = 1180;
  CHECK(first_seen("1-1234abcd-d3-789c") == 1180.0);  // a new partial receive
  now = 1240;
  CHECK_FALSE(first_seen("-"));
  now = 1300;
  CHECK(first_seen(kToken) == 1300.0);
}

TEST_CASE("datasets: slop estimate from the pool root", "[datasets]") {
  constexpr std::uint64_t kMiB = 1ull << 20, kGiB = 1ull << 30;
  auto slop = [](std::uint64_t used, std::uint64_t available) {
    const std::string u = std::to_string(used), a = std::to_string(available);
    parsers::PropertyTable table;
    table["p"]["used"] = parsers::MakePropertyValue(u);
    table["p"]["available"] = parsers::MakePropertyValue(a);
    return BuildDatasetsFacts(table)->PoolSlopBytes("p");
  };
  CHECK(slop(21 * kGiB, 10 * kGiB) == 1 * kGiB);   // 32 GiB pool
  CHECK(slop(248 * kMiB, 0) == 128 * kMiB);        // minimum
  CHECK(slop(62 * kMiB, 0) == 32 * kMiB);          // half a tiny pool
  CHECK(slop(31 * 8192 * kGiB, 0) == 128 * kGiB);  // maximum
  CHECK_FALSE(BuildDatasetsFacts({})->PoolSlopBytes("p"));
}

TEST_CASE("datasets: failures", "[datasets]") {
  ScriptedTransport transport;
  DatasetsCollector collector;
  testing::TestContext context;
  SECTION("zfs missing") {
    CHECK_THROWS_AS(collector.Collect(transport, context.Get()),
                    TransportError);
  }
  SECTION("non-zero exit") {
    transport.Answer(kList, "", 1, "The ZFS modules are not loaded.\n");
    CHECK_THROWS_WITH(
        collector.Collect(transport, context.Get()),
        Catch::Matchers::ContainsSubstring("ZFS modules are not loaded"));
  }
  SECTION("garbage") {
    transport.Answer(kList, "rpool\tavailable\n");
    CHECK_THROWS_AS(collector.Collect(transport, context.Get()),
                    text::ParseError);
  }
  CHECK(transport.commands_run().size() == 1);
}

TEST_CASE("datasets: the lab's zfs list through the collector", "[datasets]") {
  ScriptedTransport transport;
  transport.Answer(
      kList, parsers::testing::ReadTestdata("zfs-list-replication-props.txt"));
  DatasetsCollector collector([] { return 1796585975.0; });
  testing::TestContext context;
  const auto facts = std::dynamic_pointer_cast<const DatasetsFacts>(
      collector.Collect(transport, context.Get()));
  REQUIRE(facts != nullptr);
  CHECK(facts->datasets.size() == 11);
  const DatasetInfo* vm103 = facts->Find("rpool/data/vm-103-disk-0");
  REQUIRE(vm103 != nullptr);
  CHECK(vm103->type == "volume");
  CHECK(vm103->volsize_bytes == 34359738368u);
  CHECK(vm103->written_bytes == 1076244193u);
  CHECK(vm103->guid == 8496482902502313570u);
  const DatasetInfo* subvol = facts->Find("rpool/data/subvol-105-disk-0");
  REQUIRE(subvol != nullptr);
  CHECK(subvol->refquota_bytes == 17179869184u);
  CHECK_FALSE(subvol->volsize_bytes);
  CHECK(facts->PoolSlopBytes("rpool").has_value());
}

TEST_CASE("datasets: real-world zfs get samples through the human parser",
          "[datasets][real-world]") {
  using parsers::testing::ReadFixture;
  using parsers::testing::RealWorldDir;
  const auto listing = parsers::ParseZfsGetHuman(
      ReadFixture(RealWorldDir("zfs-get") / "openzfs-man-zfs-get-all.txt"));
  const auto facts = BuildDatasetsFacts(listing.properties);
  const DatasetInfo* bob = facts->Find("pool/home/bob");
  REQUIRE(bob != nullptr);
  CHECK(bob->type == "filesystem");
  CHECK_FALSE(bob->reservation_bytes);  // "none"
  CHECK_FALSE(bob->quota_bytes);        // "20G" is not an exact -p number
  CHECK_FALSE(bob->receive_resume_token);
  // Not a guest volume, not a pool root: nothing rendered.
  CHECK(testing::RenderText(*facts).empty());
}

}  // namespace
}  // namespace replwatch

namespace replwatch {

TEST_CASE("datasets: a volume that does not inherit its encrypted parent",
          "[datasets]") {
  // pve2 after the rolling upgrade (lab scenario 4): rpool/data encrypted;
  // vm-100 received by zfs recv -F (unencrypted), vm-101 by zfs recv -F -x
  // encryption (inherits, as PVE 9.2 does), vm-103 received raw by hand.
  const auto row = [](const char* name, const char* encryption,
                      const char* root) {
    return Row{name,
               {"volume", "1", "1", "-", "-", "0", "0", "8589934592", "0", "-",
                std::string(encryption) == "off" ? "-" : "available",
                encryption, "1", root}};
  };
  const std::vector<Row> rows = {
      {"rpool",
       {"filesystem", "1", "1", "0", "0", "0", "0", "-", "1", "-", "-", "off",
        "1", "-"}},
      {"rpool/data",
       {"filesystem", "1", "1", "0", "0", "0", "0", "-", "1", "-", "available",
        "aes-256-gcm", "1", "rpool/data"}},
      row("rpool/data/vm-100-disk-0", "off", "-"),
      row("rpool/data/vm-101-disk-0", "aes-256-gcm", "rpool/data"),
      row("rpool/data/vm-103-disk-0", "aes-256-gcm",
          "rpool/data/vm-103-disk-0"),
  };
  ScriptedTransport transport;
  transport.Answer(kList, ZfsListOutput(rows));
  DatasetsCollector collector([] { return 1000.0; });
  const auto facts = Collect(collector, transport);
  CHECK(facts->EncryptionDriftOf("rpool/data/vm-100-disk-0") ==
        EncryptionDrift::kUnencryptedUnderEncryptedParent);
  CHECK(facts->EncryptionDriftOf("rpool/data/vm-101-disk-0") ==
        EncryptionDrift::kNone);
  CHECK(facts->EncryptionDriftOf("rpool/data/vm-103-disk-0") ==
        EncryptionDrift::kOwnRootUnderEncryptedParent);
  CHECK_FALSE(
      facts->EncryptionDriftOf("rpool/data"));  // rpool is not encrypted

  const std::string text = testing::RenderText(*facts);
  CheckPromtoolClean(text);
  const auto drift = [&](const std::string& volume, const std::string& reason) {
    return SampleValue(text, "replwatch_dataset_encryption_drift" + kNode +
                                 ",dataset=\"rpool/data/" + volume +
                                 "\",reason=\"" + reason + "\"}");
  };
  CHECK(drift("vm-100-disk-0", "unencrypted_under_encrypted_parent") == 1);
  CHECK(drift("vm-100-disk-0", "own_encryption_root") == 0);
  CHECK(drift("vm-101-disk-0", "unencrypted_under_encrypted_parent") == 0);
  CHECK(drift("vm-101-disk-0", "own_encryption_root") == 0);
  CHECK(drift("vm-103-disk-0", "own_encryption_root") == 1);
}

TEST_CASE("datasets: no drift series where the parent is not encrypted",
          "[datasets]") {
  ScriptedTransport transport;
  transport.Answer(kList, ZfsListOutput(kLabRows));
  DatasetsCollector collector([] { return 1000.0; });
  const std::string text = testing::RenderText(*Collect(collector, transport));
  CHECK(SampleCount(text, "replwatch_dataset_encryption_drift") == 0);
}

}  // namespace replwatch

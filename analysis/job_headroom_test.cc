#include "analysis/job_headroom.h"

#include "collectors/parsers/zfs_get_parser.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

std::shared_ptr<DatasetsFacts> Datasets(const std::string& zfs_get) {
  return BuildDatasetsFacts(parsers::ParseZfsGet(zfs_get).properties);
}

const std::string kVolume = "rpool/data/vm-100-disk-0";
const std::string kSource = kVolume + "\tused\t9985798144\n" + kVolume +
                            "\twritten\t18769920\n" + kVolume +
                            "\tavailable\t50000000000\n";

TEST_CASE(
    "headroom: an incremental ships what was written since the last "
    "snapshot",
    "[headroom]") {
  const auto source = Datasets(kSource);
  const auto target = Datasets(kVolume + "\tavailable\t2000000000\n" +
                               "rpool/data\tavailable\t3000000000\n");
  const auto headroom =
      ComputeJobHeadroom({kVolume}, source.get(), target.get());
  REQUIRE(headroom);
  CHECK(headroom->pending_bytes == 18769920);
  CHECK(headroom->headroom_bytes == 2000000000);
  CHECK(headroom->full_sync_volumes == 0);
}

TEST_CASE("headroom: a volume the target lacks is sent in full", "[headroom]") {
  const auto source = Datasets(kSource);
  const auto target = Datasets("rpool/data\tavailable\t3000000000\n");
  const auto headroom =
      ComputeJobHeadroom({kVolume}, source.get(), target.get());
  REQUIRE(headroom);
  CHECK(headroom->pending_bytes == 9985798144);
  CHECK(headroom->headroom_bytes == 3000000000);
  CHECK(headroom->full_sync_volumes == 1);
}

TEST_CASE("headroom: unknown when a number it needs is missing", "[headroom]") {
  const auto target = Datasets("rpool/data\tavailable\t3000000000\n");
  const auto no_used = Datasets(kVolume + "\twritten\t18769920\n" + kVolume +
                                "\ttype\tvolume\n");
  CHECK_FALSE(ComputeJobHeadroom({kVolume}, no_used.get(), target.get()));
  const auto source = Datasets(kSource);
  CHECK_FALSE(ComputeJobHeadroom({kVolume}, source.get(), nullptr));
  CHECK_FALSE(ComputeJobHeadroom({}, source.get(), target.get()));
  const auto nowhere = Datasets("other\tavailable\t1\n");
  CHECK_FALSE(ComputeJobHeadroom({kVolume}, source.get(), nowhere.get()));
}

}  // namespace
}  // namespace replwatch

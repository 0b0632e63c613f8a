#include "config/bounded_file.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "config/config_loader.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

// A file under /tmp, removed at the end.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    char pattern[] = "/tmp/replwatch-bounded-XXXXXX";
    const int fd = mkstemp(pattern);
    close(fd);
    path = pattern;
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

TEST_CASE("ReadBoundedFile reads a file up to its limit") {
  const TempFile fits("0123456789");
  const BoundedFile file = ReadBoundedFile(fits.path, 10);
  CHECK(file.error.empty());
  CHECK(file.text == "0123456789");
}

TEST_CASE("ReadBoundedFile refuses a file over its limit, unread") {
  const TempFile big(std::string(100000, 'x'));
  const BoundedFile file = ReadBoundedFile(big.path, 1024);
  CHECK(file.error == "the file is 100000 bytes, over the limit of 1 KiB");
  CHECK(file.text.empty());
}

TEST_CASE("ReadBoundedFile stops reading a stream without end at its limit") {
  // /dev/zero is no regular file: its size says nothing, reading does.
  const BoundedFile file = ReadBoundedFile("/dev/zero", 1 << 20);
  CHECK(file.error == "the file is over the limit of 1 MiB");
  CHECK(file.text.empty());
}

TEST_CASE("ReadBoundedFile names what went wrong") {
  CHECK(ReadBoundedFile("/nonexistent/replwatch.yml", 10).error ==
        "cannot open: No such file or directory");
  CHECK(ReadBoundedFile("/tmp", 10).error == "cannot read: Is a directory");
}

TEST_CASE("a config file over 1 MiB is refused with one short problem") {
  const TempFile huge("# " + std::string(kMaxConfigFileBytes, 'c') + "\n");
  try {
    LoadConfigFile(huge.path, {});
    FAIL("a config over the limit was accepted");
  } catch (const ConfigError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0] == huge.path +
                                 ":1:1: cannot read the config file: the "
                                 "file is 1048579 bytes, over the limit of "
                                 "1 MiB");
  }
}

}  // namespace
}  // namespace replwatch

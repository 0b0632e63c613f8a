#include "daemon/flags.h"

#include <stdlib.h>

#include "testing/catch.h"

namespace replwatch {
namespace {

std::optional<Flags> Parse(std::vector<std::string> args, std::string& error) {
  return ParseFlags(args, error);
}

TEST_CASE("defaults follow exporter conventions", "[flags]") {
  std::string error;
  const auto flags = Parse({}, error);
  REQUIRE(flags);
  CHECK(flags->mode == Mode::kDaemon);
  CHECK(flags->telemetry_path == "/metrics");
  CHECK(flags->listen_addresses == std::vector<std::string>{":10130"});
}

TEST_CASE("both --flag=value and --flag value work, addresses repeat",
          "[flags]") {
  std::string error;
  const auto flags =
      Parse({"once", "--config.file=/x.yml", "--web.listen-address", "[::1]:1",
             "--web.listen-address=127.0.0.1:2", "--log.level", "debug"},
            error);
  REQUIRE(flags);
  CHECK(flags->mode == Mode::kOnce);
  CHECK(flags->config_file == "/x.yml");
  CHECK(flags->listen_addresses ==
        std::vector<std::string>{"[::1]:1", "127.0.0.1:2"});
  CHECK(flags->log_level == "debug");
}

TEST_CASE("the state directory comes from systemd unless given", "[flags]") {
  std::string error;
  unsetenv("STATE_DIRECTORY");
  CHECK(Parse({}, error)->state_directory.empty());
  setenv("STATE_DIRECTORY", "/var/lib/replwatch", 1);
  CHECK(Parse({}, error)->state_directory == "/var/lib/replwatch");
  CHECK(Parse({"--state.directory=/srv/rw"}, error)->state_directory ==
        "/srv/rw");
  setenv("STATE_DIRECTORY", "/var/lib/replwatch:/var/lib/other", 1);
  CHECK(Parse({}, error)->state_directory == "/var/lib/replwatch");
  unsetenv("STATE_DIRECTORY");
}

TEST_CASE("a usage error of diagnose is UNKNOWN, not CRITICAL", "[flags]") {
  CHECK(UsageErrorStatus({"diagnose", "--bogus=1"}) == 3);
  CHECK(UsageErrorStatus({"--bogus=1", "diagnose"}) == 3);
  CHECK(UsageErrorStatus({"once", "--bogus=1"}) == 2);
  CHECK(UsageErrorStatus({"--bogus=1"}) == 2);
}

TEST_CASE("usage errors are explained", "[flags]") {
  std::string error;
  CHECK_FALSE(Parse({"--bogus=1"}, error));
  CHECK(error == "unknown flag --bogus");
  CHECK_FALSE(Parse({"frobnicate"}, error));
  CHECK(error.find("unknown command 'frobnicate'") == 0);
  CHECK_FALSE(Parse({"--log.level=verbose"}, error));
  CHECK_FALSE(Parse({"--web.telemetry-path=metrics"}, error));
  CHECK_FALSE(Parse({"--config.file"}, error));
  CHECK(error == "flag --config.file needs a value");
}

TEST_CASE("the --shard flag is read 0-based and checked", "[flags]") {
  std::string error;
  CHECK_FALSE(Parse({}, error)->shard);
  const auto flags = Parse({"--shard", "1/2"}, error);
  REQUIRE(flags);
  CHECK(flags->shard == ShardSpec{1, 2});
  CHECK(Parse({"--shard=0/1"}, error)->shard == ShardSpec{0, 1});
  CHECK_FALSE(Parse({"--shard=2/2"}, error));
  CHECK(error ==
        "--shard: shard '2/2': shards are numbered from 0, so i must be 0 to "
        "1");
  CHECK_FALSE(Parse({"--shard=half"}, error));
  CHECK(error == "--shard: shard 'half' is not of the form i/n (e.g. 0/2)");
}

TEST_CASE("the --help and --version flags win over everything", "[flags]") {
  std::string error;
  CHECK(Parse({"--bogus", "--help"}, error) == std::nullopt);
  CHECK(Parse({"--version"}, error)->mode == Mode::kVersion);
  CHECK(Parse({"-h"}, error)->mode == Mode::kHelp);
}

TEST_CASE("the --pve.discover flag takes no value, keeps the next argument",
          "[flags]") {
  std::string error;
  CHECK_FALSE(Parse({}, error)->pve_discover);
  const auto flags = Parse({"--pve.discover", "check-config"}, error);
  REQUIRE(flags);
  CHECK(flags->pve_discover);
  CHECK(flags->mode == Mode::kCheckConfig);
  CHECK_FALSE(Parse({"--pve.discover=yes"}, error));
  CHECK(error == "flag --pve.discover takes no value");
}

TEST_CASE("the config choice carries the flags and systemd's credentials",
          "[flags]") {
  std::string error;
  const auto flags = Parse({"--pve.discover", "--config.file=/x.yml",
                            "--pve.dir=/p", "--pve.key-file=/k"},
                           error);
  REQUIRE(flags);
  unsetenv("CREDENTIALS_DIRECTORY");
  ConfigChoice choice = ConfigChoiceOf(*flags);
  CHECK(choice.discover);
  CHECK(choice.config_file == "/x.yml");
  CHECK(choice.config_file_given);
  CHECK(choice.pve.pve_dir == "/p");
  CHECK(choice.pve.key_file == "/k");
  CHECK(choice.credentials_dir.empty());
  setenv("CREDENTIALS_DIRECTORY", "/run/credentials/replwatch.service", 1);
  choice = ConfigChoiceOf(*flags);
  unsetenv("CREDENTIALS_DIRECTORY");
  CHECK(choice.credentials_dir == "/run/credentials/replwatch.service");
}

}  // namespace
}  // namespace replwatch

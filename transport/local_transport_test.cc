#include "transport/local_transport.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

namespace replwatch {
namespace {

TransportLimits Limits(std::chrono::milliseconds timeout,
                       std::uint64_t max_bytes = 1 << 20) {
  TransportLimits limits;
  limits.command_timeout = timeout;
  limits.max_output_bytes = max_bytes;
  return limits;
}

TEST_CASE("local transport runs an allow-listed command", "[local]") {
  LocalTransport transport(Limits(std::chrono::seconds(10)));
  const CommandResult result = transport.Run(MakeCommand("date"));
  CHECK(result.exit_status == 0);
  // `date +%s.%N` prints seconds since the epoch with nanoseconds.
  const double remote = std::stod(result.out);
  CHECK(remote > 1.6e9);
  CHECK(result.out.find('.') != std::string::npos);
}

TEST_CASE("local transport reports a non-zero exit and stderr", "[local]") {
  LocalTransport transport(Limits(std::chrono::seconds(10)));
  const CommandResult result =
      transport.Run(MakeCommand("cat-replication-log", {"999999-9"}));
  CHECK(result.exit_status != 0);
  CHECK(result.err.find("No such file") != std::string::npos);
}

TEST_CASE("a hostile value reaches the program as one inert argument",
          "[local]") {
  // No shell is involved locally, and remotely every word is quoted; a
  // node name with shell syntax is refused before that anyway.
  const std::string marker = "/tmp/replwatch-injection-marker";
  std::remove(marker.c_str());
  CHECK_THROWS_AS(
      MakeCommand("pvesh-replication", {"x;touch " + marker}), CommandRejected);
  CHECK(access(marker.c_str(), F_OK) != 0);
}

TEST_CASE("local transport cancels promptly", "[local]") {
  LocalTransport transport(Limits(std::chrono::seconds(30)));
  transport.Cancel();
  CHECK_THROWS_MATCHES(
      transport.Run(MakeCommand("date")), TransportError,
      Catch::Predicate<TransportError>([](const TransportError& e) {
        return e.kind() == TransportFailure::kCancelled;
      }));
}

TEST_CASE("local transport caps output size", "[local]") {
  // /etc/pve/.members does not exist here, but `ip -j -s -d link` prints a
  // few hundred bytes at least.
  LocalTransport transport(Limits(std::chrono::seconds(10), 16));
  CHECK_THROWS_MATCHES(
      transport.Run(MakeCommand("ip-link-stats")), TransportError,
      Catch::Predicate<TransportError>([](const TransportError& e) {
        return e.kind() == TransportFailure::kOutputTooLarge;
      }));
}

}  // namespace
}  // namespace replwatch

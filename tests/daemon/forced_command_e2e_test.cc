// The node-side guard: a key authorised with
// command="replwatch forced-command",restrict runs replwatch's allow-listed
// commands and nothing else.

#include <unistd.h>

#include "testing/catch.h"
#include "tests/support/daemon_process.h"
#include "tests/support/test_sshd.h"
#include "transport/ssh_transport.h"

namespace replwatch::testing {
namespace {

struct GuardedNode {
  TestSshd sshd;
  GuardedNode() { sshd.ForceCommand(ReplwatchBinary() + " forced-command"); }

  // Real OpenSSH client, as an attacker with the stolen key would use it.
  int RawSsh(const std::string& command) {
    int rc = -1;
    RunCapture(
        "ssh -q -o BatchMode=yes -o GlobalKnownHostsFile=/dev/null "
        "-o UserKnownHostsFile=" +
            sshd.known_hosts() + " -i " + sshd.client_key() + " -p " +
            std::to_string(sshd.port()) + " " + sshd.user() + "@127.0.0.1 \"" +
            command + "\" 2>/dev/null",
        &rc);
    return rc;
  }
};

TEST_CASE("replwatch's own commands pass the forced command", "[forced]") {
  GuardedNode node;
  SshTarget target;
  target.address = "127.0.0.1";
  target.port = node.sshd.port();
  target.user = node.sshd.user();
  target.key_file = node.sshd.client_key();
  target.known_hosts_file = node.sshd.known_hosts();
  SshTransport transport(target, TransportLimits{});
  const CommandResult result = transport.Run(MakeCommand(CommandId::kDate));
  CHECK(result.exit_status == 0);
  CHECK(std::stod(result.out) > 1.6e9);
  // A missing log file is the command's own failure, not a refusal.
  CHECK(transport.Run(MakeCommand(CommandId::kCatReplicationLog, {"999999-9"}))
            .exit_status == 1);
}

TEST_CASE("anything else is refused by the forced command", "[forced]") {
  GuardedNode node;
  const std::string marker = node.sshd.dir() + "/pwned";
  CHECK(node.RawSsh("touch " + marker) == 126);
  CHECK(node.RawSsh("LC_ALL=C exec timeout -k 5 3 'date' '+%s.%N'; touch " +
                    marker) == 126);
  CHECK(node.RawSsh("LC_ALL=C exec timeout -k 5 3 'cat' '/etc/shadow'") == 126);
  CHECK(access(marker.c_str(), F_OK) != 0);
}

}  // namespace
}  // namespace replwatch::testing

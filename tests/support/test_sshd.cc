#include "tests/support/test_sshd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace replwatch::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Accepting(unsigned port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok =
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

}  // namespace

void RunOrThrow(const std::string& command_line) {
  if (std::system(command_line.c_str()) != 0) {
    throw std::runtime_error("command failed: " + command_line);
  }
}

unsigned FreeLocalPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

TestSshd::TestSshd() {
  char pattern[] = "/tmp/replwatch-sshd-XXXXXX";
  dir_ = mkdtemp(pattern);
  client_key_ = dir_ + "/client_key";
  known_hosts_ = dir_ + "/known_hosts";
  mkdir("/run/sshd", 0755);  // sshd's privilege separation directory
  RunOrThrow("ssh-keygen -q -t ed25519 -N '' -f " + dir_ + "/host_key");
  RunOrThrow("ssh-keygen -q -t ed25519 -N '' -f " + client_key_);
  RunOrThrow("cp " + client_key_ + ".pub " + dir_ + "/authorized_keys");
  port_ = FreeLocalPort();
  WriteConfig();
  Start();
}

TestSshd::~TestSshd() {
  if (pid_ > 0) {
    kill(pid_, SIGCONT);
    Stop();
  }
  std::system(("rm -rf " + dir_).c_str());
}

std::string TestSshd::user() const {
  const passwd* entry = getpwuid(geteuid());
  return entry != nullptr ? entry->pw_name : "root";
}

void TestSshd::WriteConfig() {
  std::ofstream config(dir_ + "/sshd_config");
  config << "Port " << port_ << "\n"
         << "ListenAddress 127.0.0.1\n"
         << "HostKey " << dir_ << "/host_key\n"
         << "PidFile " << dir_ << "/sshd.pid\n"
         << "AuthorizedKeysFile " << dir_ << "/authorized_keys\n"
         << "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
         << "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
         << "PermitRootLogin prohibit-password\nLogLevel VERBOSE\n";
  // known_hosts as libssh looks it up for a non-22 port: [host]:port.
  const std::string host_key = ReadFile(dir_ + "/host_key.pub");
  std::ofstream(known_hosts_) << "[127.0.0.1]:" << port_ << " " << host_key;
}

void TestSshd::Start() {
  const std::string config = dir_ + "/sshd_config";
  const std::string log = dir_ + "/sshd.log";
  const char* argv[] = {"/usr/sbin/sshd", "-D",   "-f", config.c_str(), "-E",
                        log.c_str(),      nullptr};
  if (posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv),
                  environ) != 0) {
    throw std::runtime_error("cannot start sshd");
  }
  for (int i = 0; i < 200 && !Accepting(port_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (!Accepting(port_)) {
    throw std::runtime_error("sshd did not start: " + ReadFile(log));
  }
}

void TestSshd::Stop() {
  if (pid_ <= 0) return;
  // Per-connection sshd processes outlive their listener; a stopped node
  // must drop its established sessions too.
  std::system(("pkill -TERM -P " + std::to_string(pid_)).c_str());
  StopListener();
}

void TestSshd::StopListener() {
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void TestSshd::Pause() { kill(pid_, SIGSTOP); }
void TestSshd::Resume() { kill(pid_, SIGCONT); }

void TestSshd::ForceCommand(const std::string& command) {
  const std::string key = ReadFile(client_key_ + ".pub");
  std::ofstream(dir_ + "/authorized_keys")
      << "command=\"" << command << "\",restrict " << key;
}

void TestSshd::NewHostKey() {
  RunOrThrow("rm -f " + dir_ + "/host_key " + dir_ + "/host_key.pub");
  RunOrThrow("ssh-keygen -q -t ed25519 -N '' -f " + dir_ + "/host_key");
}

void TestSshd::ChangeHostKey() {
  Stop();
  NewHostKey();
  Start();
}

void TestSshd::ChangeHostKeyKeepingSessions() {
  // OpenSSH 10 (Debian 13) loads the host key once, when sshd starts (9.2 read
  // it again for every connection): a new key shows after a restart.
  StopListener();
  NewHostKey();
  Start();
}

}  // namespace replwatch::testing

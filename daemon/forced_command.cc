#include "daemon/forced_command.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "transport/remote_command.h"

namespace replwatch {
namespace {

constexpr const char* kDirs[] = {"/usr/local/sbin", "/usr/local/bin",
                                 "/usr/sbin",       "/usr/bin",
                                 "/sbin",           "/bin"};

std::string Resolve(const std::string& program) {
  for (const char* dir : kDirs) {
    const std::string candidate = std::string(dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

int Refuse(const std::string& why) {
  std::fprintf(stderr, "replwatch forced-command: refused: %s\n", why.c_str());
  return 126;
}

}  // namespace

int RunForcedCommand() {
  const char* original = std::getenv("SSH_ORIGINAL_COMMAND");
  if (original == nullptr) return Refuse("no command (interactive login)");
  const auto parsed = ParseShellLine(original);
  if (!parsed) return Refuse("not a replwatch command line");
  const auto command = MatchAllowListed(parsed->argv);
  if (!command) return Refuse("'" + parsed->argv[0] + "' is not allowed");
  const std::string timeout = Resolve("timeout");
  const std::string program = Resolve(command->argv()[0]);
  if (timeout.empty() || program.empty()) {
    return Refuse("'" + command->argv()[0] + "' not found");
  }
  std::vector<std::string> words = {
      "timeout", "-k", "5", std::to_string(parsed->timeout.count()), program};
  words.insert(words.end(), command->argv().begin() + 1, command->argv().end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  char* envp[] = {const_cast<char*>("LC_ALL=C"),
                  const_cast<char*>("PATH=/usr/local/sbin:/usr/local/bin:"
                                    "/usr/sbin:/usr/bin:/sbin:/bin"),
                  nullptr};
  execve(timeout.c_str(), argv.data(), envp);
  std::perror("replwatch forced-command: exec");
  return 127;
}

}  // namespace replwatch

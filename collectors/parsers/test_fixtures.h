#pragma once

// Test-only helpers: read the real-world fixtures in place (they must not be
// copied into the repository) and the constructed samples in testdata/.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace replwatch::parsers::testing {

inline std::filesystem::path RealWorldDir(const std::string& subdir) {
  return std::filesystem::path(REPLWATCH_REAL_WORLD_FIXTURES) / subdir;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// Reads a real-world fixture without its `# source:` / `# command:` lines.
inline std::string ReadFixture(const std::filesystem::path& path) {
  std::string text = ReadFile(path);
  for (int i = 0; i < 2 && text.rfind("# ", 0) == 0; ++i) {
    const std::size_t nl = text.find('\n');
    text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
  }
  return text;
}

/// All `*.txt` files of a real-world fixture folder, sorted by name. Throws if
/// the folder is missing so that a misconfigured path cannot pass silently.
inline std::vector<std::filesystem::path> FixtureFiles(
    const std::string& subdir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(RealWorldDir(subdir))) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::runtime_error("no fixtures in " + subdir);
  return files;
}

inline std::string ReadTestdata(const std::string& name) {
  return ReadFile(std::filesystem::path(__FILE__).parent_path() / "testdata" /
                  name);
}

}  // namespace replwatch::parsers::testing

#include "state/first_sightings.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "config/bounded_file.h"
#include "text/parse_error.h"
#include "text/text_scan.h"

namespace replwatch {
namespace {

constexpr std::string_view kHeader = "replwatch first sightings v1";
// Far more than any cluster needs (a line per token or unsynced job).
constexpr std::size_t kMaxFileBytes = 16u << 20;
// An identity that is not really one (a job's) is written as "-".
constexpr std::string_view kNoIdentity = "-";

std::string Errno() { return std::strerror(errno); }

// Fields are names, tokens and numbers: printable, without tabs or blanks.
bool IsField(std::string_view s) { return text::IsPrintableToken(s, 4096); }

// Writes `text` to `path` so that `path` always holds either the old or the
// new text, even if the process dies mid-way: a temporary file, synced, then
// renamed over it, and the directory synced so the rename itself lasts.
std::string WriteAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  const int fd =
      open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create " + temporary + ": " + Errno();
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string error = "cannot write " + temporary + ": " + Errno();
      close(fd);
      return error;
    }
    written += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) {
    const std::string error = "cannot sync " + temporary + ": " + Errno();
    close(fd);
    return error;
  }
  close(fd);
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    return "cannot rename " + temporary + " to " + path + ": " + Errno();
  }
  const std::string dir = path.substr(0, path.find_last_of('/') + 1);
  const int dir_fd =
      open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return "";
}

}  // namespace

FirstSightings::FirstSightings(std::string path) : path_(std::move(path)) {
  Load();
}

void FirstSightings::Load() {
  if (access(path_.c_str(), F_OK) != 0 && errno == ENOENT) return;
  const BoundedFile file = ReadBoundedFile(path_, kMaxFileBytes);
  if (!file.error.empty()) {
    problem_ = path_ + ": " + file.error + "; starting afresh";
    return;
  }
  Scopes scopes;
  try {
    text::RejectNulBytes(file.text, "state file");
    text::LineReader lines(file.text);
    std::string_view line;
    if (!lines.Next(&line) || line != kHeader) {
      throw text::ParseError(
          "not a replwatch first-sightings file: it does "
          "not start with \"" +
          std::string(kHeader) + "\"");
    }
    while (lines.Next(&line)) {
      std::string_view rest = line;
      const std::string_view scope = text::SplitAt(&rest, '\t');
      const std::string_view key = text::SplitAt(&rest, '\t');
      const std::string_view identity = text::SplitAt(&rest, '\t');
      const std::optional<double> first_seen = text::ParseDecimal(rest);
      if (!IsField(scope) || !IsField(key) || !IsField(identity) ||
          !first_seen || !std::isfinite(*first_seen) || *first_seen < 0) {
        throw text::ParseError(
            "expected <scope> TAB <key> TAB <identity> TAB <epoch seconds>, "
            "got \"" +
                text::Printable(line) + "\"",
            lines.line_number());
      }
      Sighting& sighting = scopes[std::string(scope)][std::string(key)];
      sighting.identity = identity == kNoIdentity ? "" : std::string(identity);
      sighting.first_seen = *first_seen;
    }
  } catch (const text::ParseError& e) {
    problem_ = path_ + ": " + e.what() +
               "; starting afresh, the file is replaced on the next change";
    return;
  }
  scopes_ = std::move(scopes);
}

void FirstSightings::Save() {
  if (path_.empty()) return;
  std::string text = std::string(kHeader) + "\n";
  char seconds[32];
  for (const auto& [scope, sightings] : scopes_) {
    for (const auto& [key, sighting] : sightings) {
      // A key or identity with blanks (never a dataset name, a token or a
      // job id) could not be read back: it lives in memory only.
      if (!IsField(scope) || !IsField(key) ||
          !(sighting.identity.empty() || IsField(sighting.identity))) {
        continue;
      }
      // Exactly the double it was (17 significant digits round-trip).
      std::snprintf(seconds, sizeof seconds, "%.17g", sighting.first_seen);
      text += scope + "\t" + key + "\t" +
              (sighting.identity.empty() ? std::string(kNoIdentity)
                                         : sighting.identity) +
              "\t" + seconds + "\n";
    }
  }
  std::string problem = WriteAtomically(path_, text);
  // Logged when it changes, not on every write of a broken disk.
  if (problem != problem_ && !problem.empty()) {
    spdlog::error("first sightings not saved: {}; they are kept in memory",
                  problem);
  } else if (problem != problem_) {
    spdlog::info("first sightings saved to {}", path_);
  }
  problem_ = std::move(problem);
}

std::map<std::string, double> FirstSightings::Update(
    const std::string& scope, const std::map<std::string, std::string>& present,
    double now) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, Sighting>& known = scopes_[scope];
  std::map<std::string, Sighting> next;
  std::map<std::string, double> first_seen;
  for (const auto& [key, identity] : present) {
    Sighting sighting{identity, now};
    const auto found = known.find(key);
    if (found != known.end() && found->second.identity == identity) {
      sighting.first_seen = found->second.first_seen;
    }
    first_seen[key] = sighting.first_seen;
    next.emplace(key, std::move(sighting));
  }
  const bool changed = next != known;
  if (next.empty()) {
    scopes_.erase(scope);
  } else {
    known = std::move(next);
  }
  if (changed) Save();
  return first_seen;
}

std::string FirstSightings::problem() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return problem_;
}

}  // namespace replwatch

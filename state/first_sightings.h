#pragma once

#include <map>
#include <mutex>
#include <string>

namespace replwatch {

/// When replwatch first saw each of a set of things: a receive resume token,
/// a job that never synced. Alerts time themselves from these (a token older
/// than an hour, a job unsynced for twice its interval), so with a path they
/// are kept in a state file across restarts, reloads and upgrades. Safe to
/// use from several threads.
class FirstSightings {
 public:
  /// Kept in memory only.
  FirstSightings() = default;
  /// Kept in `path`, read now and written atomically (a temporary file
  /// renamed over it) on every change. A file that is not ours or is
  /// damaged is reported in problem() and replaced by the next write.
  explicit FirstSightings(std::string path);

  /// The things of `scope` seen now, by key, each with what identifies it
  /// (the token; "" when the key alone does). Returns key -> first sighting:
  /// the recorded one while the identity is unchanged, `now` for a new key
  /// or a changed identity. Keys of `scope` not present are forgotten.
  std::map<std::string, double> Update(
      const std::string& scope,
      const std::map<std::string, std::string>& present, double now);

  /// Why the state file was not read or not written, last seen; empty when
  /// it was fine (or there is none).
  std::string problem() const;
  const std::string& path() const { return path_; }

 private:
  struct Sighting {
    std::string identity;
    double first_seen = 0;

    bool operator==(const Sighting& o) const {
      return identity == o.identity && first_seen == o.first_seen;
    }
  };
  using Scopes = std::map<std::string, std::map<std::string, Sighting>>;

  void Load();
  void Save();

  mutable std::mutex mutex_;
  std::string path_;
  Scopes scopes_;
  std::string problem_;
};

}  // namespace replwatch

#pragma once

#include <string>

namespace replwatch::testing {

/// A fresh directory under /tmp, removed with everything in it when the
/// object goes.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "replwatch-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  /// `path()/name`.
  std::string File(const std::string& name) const;
  /// Writes `text` to `path()/name` and returns that path.
  std::string Write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

}  // namespace replwatch::testing

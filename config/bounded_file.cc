#include "config/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace replwatch {
namespace {

std::string SystemError(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

BoundedFile ReadBoundedFile(const std::string& path, std::size_t max_bytes) {
  BoundedFile file;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    file.error = SystemError("cannot open");
    return file;
  }
  struct stat status {};
  if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode) &&
      static_cast<std::size_t>(status.st_size) > max_bytes) {
    file.error = "the file is " + std::to_string(status.st_size) +
                 " bytes, over the limit of " + FormatByteLimit(max_bytes);
    close(fd);
    return file;
  }
  // Past the limit by one chunk at most: a file that grew since fstat, or
  // is no regular file, is caught here.
  char chunk[65536];
  while (file.text.size() <= max_bytes) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      file.error = SystemError("cannot read");
      break;
    }
    if (n == 0) break;
    file.text.append(chunk, static_cast<std::size_t>(n));
  }
  close(fd);
  if (file.error.empty() && file.text.size() > max_bytes) {
    file.error = "the file is over the limit of " + FormatByteLimit(max_bytes);
  }
  if (!file.error.empty()) file.text = std::string();
  return file;
}

std::string FormatByteLimit(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) {
    return std::to_string(bytes >> 20) + " MiB";
  }
  if (bytes >= 1024 && bytes % 1024 == 0) {
    return std::to_string(bytes >> 10) + " KiB";
  }
  return std::to_string(bytes) + " bytes";
}

bool IsReadable(const std::string& path) {
  return access(path.c_str(), R_OK) == 0;
}

}  // namespace replwatch

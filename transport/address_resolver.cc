#include "transport/address_resolver.h"

#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace replwatch {
namespace {

addrinfo TcpHints(int flags) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | flags;
  return hints;
}

// Shared by the waiting caller and the lookup thread; whichever lets go
// last frees it (and a result nobody took).
struct Lookup {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  int status = 0;
  addrinfo* result = nullptr;

  ~Lookup() {
    if (result != nullptr) freeaddrinfo(result);
  }
};

}  // namespace

Resolution ResolveTcpAddress(const std::string& host, int port,
                             std::chrono::steady_clock::time_point deadline,
                             const std::atomic<bool>& cancelled) {
  Resolution out;
  const std::string service = std::to_string(port);
  const addrinfo numeric = TcpHints(AI_NUMERICHOST);
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), service.c_str(), &numeric, &found) == 0) {
    out.addresses.reset(found);
    return out;
  }
  auto lookup = std::make_shared<Lookup>();
  try {
    std::thread([lookup, host, service] {
      const addrinfo hints = TcpHints(0);
      addrinfo* result = nullptr;
      const int status =
          getaddrinfo(host.c_str(), service.c_str(), &hints, &result);
      std::lock_guard<std::mutex> lock(lookup->mutex);
      lookup->status = status;
      lookup->result = result;
      lookup->done = true;
      lookup->finished.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    out.error = std::string("cannot resolve: ") + e.what();
    return out;
  }
  std::unique_lock<std::mutex> lock(lookup->mutex);
  // Short waits: Cancel() sets a flag and does not notify.
  while (!lookup->done && !cancelled &&
         std::chrono::steady_clock::now() < deadline) {
    lookup->finished.wait_for(lock, std::chrono::milliseconds(100));
  }
  if (!lookup->done) {
    out.error = cancelled ? "cancelled" : "name resolution timed out";
  } else if (lookup->status != 0) {
    out.error = std::string("cannot resolve: ") + gai_strerror(lookup->status);
  } else {
    out.addresses.reset(std::exchange(lookup->result, nullptr));
  }
  return out;
}

}  // namespace replwatch

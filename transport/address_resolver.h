#pragma once

#include <netdb.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace replwatch {

/// A getaddrinfo() result list, freed with freeaddrinfo().
using AddressList = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

/// The addresses of a host, or why there are none.
struct Resolution {
  AddressList addresses{nullptr, freeaddrinfo};
  std::string error;  // empty when `addresses` is set
};

/// Resolves `host` for a TCP connection to `port`, waiting no longer than
/// `deadline` or until `cancelled`. A numeric address is converted at once.
/// A name is looked up on a thread of its own, because glibc's resolver
/// cannot be interrupted: when the wait ends first that thread is left to
/// finish alone, so a DNS server that never answers costs the caller no
/// more than its deadline (and shutdown no wait at all).
Resolution ResolveTcpAddress(const std::string& host, int port,
                             std::chrono::steady_clock::time_point deadline,
                             const std::atomic<bool>& cancelled);

}  // namespace replwatch

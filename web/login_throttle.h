#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).

namespace replwatch::web {

// Who a limit counts: an IPv4 address, or the /64 an IPv6 address lies in
// (one host usually holds a whole /64). IPv4-mapped IPv6 counts as IPv4.
std::string ClientOf(const boost::asio::ip::address& address);

// Per client, how many password checks it may cause. bcrypt takes tens of
// milliseconds on one checker thread, so unchecked, a flood of wrong
// passwords from one client delays every other client's first login.
// A check takes a token from the client's bucket and a successful one gives
// it back, so failures are what runs a bucket dry; and a client has at most
// max_pending checks queued or running, so another client's check waits
// behind at most that many of its. io_context thread only.
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    double burst = 10;                       // Tokens of a full bucket.
    std::chrono::milliseconds refill{1000};  // One token per refill.
    std::size_t max_pending = 2;             // Checks queued per client.
    std::size_t max_clients = 4096;          // Buckets kept.
  };

  explicit LoginThrottle(Limits limits);

  // The bucket to pass to Finished when the check ends (a token is taken),
  // or nullopt: answer 429 at once, without checking.
  std::optional<std::string> Admit(const std::string& client,
                                   Clock::time_point now);
  void Finished(const std::string& bucket, bool accepted);
  // Whole seconds until Admit may say yes again, at least 1.
  int RetryAfterSeconds(const std::string& client, Clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    std::size_t pending = 0;
  };

  // The client's bucket and its key, refilled up to `now`. Past max_clients
  // buckets, clients without one share a single bucket, so memory stays bounded
  // even when every request comes from another address.
  std::pair<const std::string, Bucket>& BucketOf(const std::string& client,
                                                 Clock::time_point now);
  double TokensAt(const Bucket& bucket, Clock::time_point now) const;
  void ForgetIdleBuckets(Clock::time_point now);

  const Limits limits_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace replwatch::web

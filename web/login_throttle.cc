#include "web/login_throttle.h"

#include <algorithm>
#include <cmath>

namespace replwatch::web {
namespace {

// Clients beyond max_clients share this bucket; no address prints so.
constexpr const char* kOverflowClient = "(other clients)";

}  // namespace

std::string ClientOf(const boost::asio::ip::address& address) {
  if (address.is_v4()) return address.to_string();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6)
        .to_string();
  }
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

LoginThrottle::LoginThrottle(Limits limits) : limits_(limits) {}

std::optional<std::string> LoginThrottle::Admit(const std::string& client,
                                                Clock::time_point now) {
  auto& [key, bucket] = BucketOf(client, now);
  if (bucket.pending >= limits_.max_pending || bucket.tokens < 1) {
    return std::nullopt;
  }
  bucket.tokens -= 1;
  ++bucket.pending;
  return key;
}

void LoginThrottle::Finished(const std::string& key, bool accepted) {
  // A bucket with a check pending is never forgotten.
  const auto found = buckets_.find(key);
  if (found == buckets_.end()) return;
  Bucket& bucket = found->second;
  if (bucket.pending > 0) --bucket.pending;
  if (accepted) bucket.tokens = std::min(limits_.burst, bucket.tokens + 1);
}

int LoginThrottle::RetryAfterSeconds(const std::string& client,
                                     Clock::time_point now) {
  const Bucket& bucket = BucketOf(client, now).second;
  const double missing = std::max(0.0, 1 - bucket.tokens);
  const double seconds =
      missing * std::chrono::duration<double>(limits_.refill).count();
  return std::max(1, static_cast<int>(std::ceil(seconds)));
}

std::pair<const std::string, LoginThrottle::Bucket>& LoginThrottle::BucketOf(
    const std::string& client, Clock::time_point now) {
  auto found = buckets_.find(client);
  if (found == buckets_.end()) {
    if (buckets_.size() >= limits_.max_clients) ForgetIdleBuckets(now);
    const bool room = buckets_.size() < limits_.max_clients;
    found = buckets_
                .try_emplace(room ? client : kOverflowClient,
                             Bucket{limits_.burst, now})
                .first;
  }
  Bucket& bucket = found->second;
  bucket.tokens = TokensAt(bucket, now);
  bucket.updated = now;
  return *found;
}

double LoginThrottle::TokensAt(const Bucket& bucket,
                               Clock::time_point now) const {
  const double refilled =
      std::chrono::duration<double>(now - bucket.updated) / limits_.refill;
  return std::min(limits_.burst, bucket.tokens + refilled);
}

void LoginThrottle::ForgetIdleBuckets(Clock::time_point now) {
  // A full bucket with nothing pending is what a new client gets anyway.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& bucket = it->second;
    const bool full = TokensAt(bucket, now) >= limits_.burst;
    it = full && bucket.pending == 0 ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace replwatch::web

#include "collectors/ip_network.h"

#include <arpa/inet.h>

#include <charconv>

namespace replwatch {
namespace {

// The address bytes of `text` if it is an IPv4 or IPv6 address.
bool ParseAddress(std::string_view text, int* family,
                  std::array<unsigned char, 16>* bytes) {
  const std::string address(text);  // inet_pton needs a terminated string
  *bytes = {};
  if (inet_pton(AF_INET, address.c_str(), bytes->data()) == 1) {
    *family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, address.c_str(), bytes->data()) == 1) {
    *family = AF_INET6;
    return true;
  }
  return false;
}

}  // namespace

std::optional<IpNetwork> IpNetwork::Parse(std::string_view cidr) {
  const std::size_t slash = cidr.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  IpNetwork network;
  if (!ParseAddress(cidr.substr(0, slash), &network.family_, &network.bytes_)) {
    return std::nullopt;
  }
  const std::string_view digits = cidr.substr(slash + 1);
  const auto [end, error] = std::from_chars(
      digits.data(), digits.data() + digits.size(), network.prefix_);
  const int max_prefix = network.family_ == AF_INET ? 32 : 128;
  if (error != std::errc() || end != digits.data() + digits.size() ||
      digits.empty() || network.prefix_ < 0 || network.prefix_ > max_prefix) {
    return std::nullopt;
  }
  return network;
}

bool IpNetwork::Contains(std::string_view address) const {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
  if (!ParseAddress(address, &family, &bytes) || family != family_) {
    return false;
  }
  const int whole = prefix_ / 8;
  for (int i = 0; i < whole; ++i) {
    if (bytes[i] != bytes_[i]) return false;
  }
  const int rest = prefix_ % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (bytes[whole] & mask) == (bytes_[whole] & mask);
}

}  // namespace replwatch

#include "web/listen_address.h"

#include <algorithm>
#include <boost/asio/ip/v6_only.hpp>
#include <stdexcept>

namespace replwatch::web {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::uint16_t ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5 ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    throw std::invalid_argument("port must be a number from 0 to 65535");
  }
  const unsigned long port = std::stoul(std::string(text));
  if (port > 65535) {
    throw std::invalid_argument("port must be a number from 0 to 65535");
  }
  return static_cast<std::uint16_t>(port);
}

tcp::acceptor OpenAcceptor(asio::io_context& io, const tcp::endpoint& endpoint,
                           bool dual_stack) {
  tcp::acceptor acceptor(io);
  acceptor.open(endpoint.protocol());
  if (dual_stack) acceptor.set_option(asio::ip::v6_only(false));
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor;
}

bool IsIpv6Unavailable(const boost::system::error_code& ec) {
  return ec == asio::error::address_family_not_supported ||
         ec == boost::system::errc::address_not_available ||
         ec == boost::system::errc::protocol_not_supported;
}

}  // namespace

ListenAddress ParseListenAddress(std::string_view text) {
  ListenAddress address;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() ||
        text[close + 1] != ':') {
      throw std::invalid_argument("expected [address]:port");
    }
    address.host = std::string(text.substr(1, close - 1));
    if (address.host.empty()) throw std::invalid_argument("empty address");
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      throw std::invalid_argument(
          "expected host:port, [address]:port or :port");
    }
    address.host = std::string(text.substr(0, colon));
    if (address.host.find(':') != std::string::npos) {
      throw std::invalid_argument("IPv6 addresses must be in brackets");
    }
    port = text.substr(colon + 1);
  }
  address.port = ParsePort(port);
  return address;
}

std::vector<tcp::acceptor> OpenAcceptors(asio::io_context& io,
                                         const ListenAddress& address) {
  std::vector<tcp::acceptor> acceptors;
  if (address.host.empty()) {
    try {
      acceptors.push_back(OpenAcceptor(
          io, tcp::endpoint(tcp::v6(), address.port), /*dual_stack=*/true));
    } catch (const boost::system::system_error& e) {
      if (!IsIpv6Unavailable(e.code())) throw;
      acceptors.push_back(OpenAcceptor(
          io, tcp::endpoint(tcp::v4(), address.port), /*dual_stack=*/false));
    }
    return acceptors;
  }
  tcp::resolver resolver(io);
  const auto results =
      resolver.resolve(address.host, std::to_string(address.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service);
  std::vector<tcp::endpoint> bound;
  for (const auto& entry : results) {
    const tcp::endpoint endpoint = entry.endpoint();
    if (std::find(bound.begin(), bound.end(), endpoint) != bound.end())
      continue;
    acceptors.push_back(OpenAcceptor(io, endpoint, /*dual_stack=*/false));
    bound.push_back(endpoint);
  }
  if (acceptors.empty()) throw std::invalid_argument("host has no address");
  return acceptors;
}

}  // namespace replwatch::web

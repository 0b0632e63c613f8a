#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).
#include <vector>

namespace replwatch::web {

/// One listen address: "host:port", "[v6addr]:port" or ":port".
struct ListenAddress {
  std::string host;  // Empty: all interfaces.
  std::uint16_t port = 0;
};

/// Throws std::invalid_argument naming what is wrong with text.
ListenAddress ParseListenAddress(std::string_view text);

/// Opens, binds and listens on every address the host stands for. An empty
/// host is dual-stack [::] (v6only off), or 0.0.0.0 if IPv6 is unavailable.
/// Throws boost::system::system_error (or std::invalid_argument).
std::vector<boost::asio::ip::tcp::acceptor> OpenAcceptors(
    boost::asio::io_context& io, const ListenAddress& address);

}  // namespace replwatch::web

#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).

#include "web/server_state.h"

namespace replwatch::web {

// Serves one accepted connection, over TLS if the active web config has it.
// At max_connections it closes the connection that has waited longest for
// its client to make room, or refuses this one if every connection is busy.
// io_context thread only.
void StartConnection(const std::shared_ptr<ServerState>& state,
                     boost::asio::ip::tcp::socket socket);

// "1.2.3.4:80" or "[::1]:80", for logs.
std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace replwatch::web

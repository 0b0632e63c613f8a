#pragma once

// Boost 1.83 (Debian 13) beast/http/impl/field.ipp uses std::uint32_t
// without including <cstdint>; with GCC 14 nothing else brings it in first.
#include <cstdint>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).
#include <vector>

#include "web/http_server.h"
#include "web/web_config.h"

namespace replwatch::web {

using BeastRequest =
    boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse =
    boost::beast::http::response<boost::beast::http::string_body>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Boost 1.74's beast::string_view is boost::string_view, not std::string_view.
inline std::string_view ToStdView(boost::beast::string_view view) {
  return {view.data(), view.size()};
}

// Splits the request target into path and query for the Handler.
Request ToHandlerRequest(const BeastRequest& request);

// Turns a Handler answer (or an error the server produces itself) into the
// HTTP response for request: configured and extra headers, gzip negotiation,
// keep-alive, and no body for HEAD.
BeastResponse RenderResponse(const BeastRequest& request, Response response,
                             const WebConfig& config,
                             const HeaderList& extra_headers = {});

// A response for a request that could not be parsed; closes the connection.
BeastResponse RenderParseErrorResponse(int status, const WebConfig& config);

// Plain-text error answer whose body is the status's reason phrase.
Response ErrorResponse(int status);

}  // namespace replwatch::web

#pragma once

// Boost 1.83 (Debian 13) beast/http/impl/field.ipp uses std::uint32_t
// without including <cstdint>; with GCC 14 nothing else brings it in first.
// clang-format off
#include <cstdint>
// clang-format on

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).
#include <vector>

#include "web/http_server.h"
#include "web/shared_body.h"
#include "web/web_config.h"

namespace replwatch::web {

using BeastRequest =
    boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<SharedStringBody>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Boost 1.74's beast::string_view is boost::string_view, not std::string_view.
inline std::string_view ToStdView(boost::beast::string_view view) {
  return {view.data(), view.size()};
}

// Splits the request target into path and query for the Handler.
Request ToHandlerRequest(const BeastRequest& request);

// A Handler answer ready to encode: an invalid status became a 500, and the
// body, whichever field held it, is shared.
struct Answer {
  int status;
  std::string content_type;
  std::shared_ptr<const std::string> body;
  bool shared;  // The Handler serves this body again (Response::shared_body).
};
Answer ToAnswer(const BeastRequest& request, Response response);

// True if the body is worth compressing (over 1 KiB) and the client
// accepts gzip.
bool WantsGzip(const BeastRequest& request, const Answer& answer);

// The HTTP response for request: configured and extra headers, keep-alive,
// and no body for HEAD. `gzipped` replaces the answer's body when set.
BeastResponse RenderResponse(
    const BeastRequest& request, const Answer& answer, const WebConfig& config,
    const HeaderList& extra_headers = {},
    std::shared_ptr<const std::string> gzipped = nullptr);

// A response for a request that could not be parsed; closes the connection.
BeastResponse RenderParseErrorResponse(int status, const WebConfig& config);

// Plain-text error answer whose body is the status's reason phrase.
Response ErrorResponse(int status);

}  // namespace replwatch::web

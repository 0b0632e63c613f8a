#include "web/http_exchange.h"

#include <spdlog/spdlog.h>

#include "web/gzip.h"

namespace replwatch::web {
namespace {

namespace http = boost::beast::http;

// Smaller bodies gain too little from compression to be worth the CPU.
constexpr std::size_t kGzipMinBytes = 1024;

bool IsValidStatus(int status) { return status >= 100 && status <= 599; }

void AddHeaders(BeastResponse& response, const WebConfig& config,
                const HeaderList& extra_headers) {
  for (const auto& [name, value] : config.response_headers) {
    response.set(name, value);
  }
  for (const auto& [name, value] : extra_headers) response.set(name, value);
}

}  // namespace

Request ToHandlerRequest(const BeastRequest& request) {
  const auto target = request.target();
  const auto question_mark = target.find('?');
  Request converted;
  converted.method = std::string(request.method_string());
  converted.path = std::string(target.substr(0, question_mark));
  if (question_mark != boost::beast::string_view::npos) {
    converted.query = std::string(target.substr(question_mark + 1));
  }
  return converted;
}

Answer ToAnswer(const BeastRequest& request, Response response) {
  if (!IsValidStatus(response.status)) {
    spdlog::error("web: handler returned invalid HTTP status {} for {}",
                  response.status, std::string(request.target()));
    return ToAnswer(request, ErrorResponse(500));
  }
  const bool shared = response.shared_body != nullptr;
  auto body =
      shared ? std::move(response.shared_body)
             : std::make_shared<const std::string>(std::move(response.body));
  return {response.status, std::move(response.content_type), std::move(body),
          shared};
}

bool WantsGzip(const BeastRequest& request, const Answer& answer) {
  return answer.body->size() > kGzipMinBytes &&
         AcceptsGzip(ToStdView(request[http::field::accept_encoding]));
}

BeastResponse RenderResponse(const BeastRequest& request, const Answer& answer,
                             const WebConfig& config,
                             const HeaderList& extra_headers,
                             std::shared_ptr<const std::string> gzipped) {
  BeastResponse rendered{static_cast<http::status>(answer.status),
                         request.version()};
  rendered.set(http::field::content_type, answer.content_type);
  AddHeaders(rendered, config, extra_headers);
  rendered.keep_alive(request.keep_alive());
  if (answer.body->size() > kGzipMinBytes) {
    rendered.set(http::field::vary, "Accept-Encoding");
  }
  if (gzipped) rendered.set(http::field::content_encoding, "gzip");
  auto body = gzipped ? std::move(gzipped) : answer.body;
  // HEAD announces the length a GET would get, without the body.
  rendered.content_length(body->size());
  if (request.method() != http::verb::head) rendered.body() = std::move(body);
  return rendered;
}

BeastResponse RenderParseErrorResponse(int status, const WebConfig& config) {
  Response error = ErrorResponse(status);
  BeastResponse rendered{static_cast<http::status>(status), 11};
  rendered.set(http::field::content_type, error.content_type);
  AddHeaders(rendered, config, {});
  rendered.keep_alive(false);
  rendered.body() = std::make_shared<const std::string>(std::move(error.body));
  rendered.prepare_payload();
  return rendered;
}

Response ErrorResponse(int status) {
  Response response;
  response.status = status;
  response.body =
      std::string(http::obsolete_reason(static_cast<http::status>(status))) +
      "\n";
  return response;
}

}  // namespace replwatch::web

#include "web/http_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <sstream>
#include <type_traits>

#include "web/http_exchange.h"

namespace replwatch::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// GET and HEAD carry no body; other methods may send a small one, which is
// read so that their 405 answer can keep the connection alive.
constexpr std::uint64_t kMaxRequestBodyBytes = 64 * 1024;
constexpr const char* kAuthenticateChallenge = R"(Basic realm="replwatch")";

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_method).category();
}

// One connection: read a request, answer it, repeat while keep-alive holds.
// Every step has a deadline on the socket, so a stalled peer only ever
// occupies its own connection.
template <class Stream>
class HttpSession final
    : public Connection,
      public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  HttpSession(std::shared_ptr<ServerState> state,
              std::shared_ptr<asio::ssl::context> tls, tcp::socket socket,
              std::string peer)
      : state_(std::move(state)),
        tls_(std::move(tls)),
        stream_(MakeStream(std::move(socket))),
        peer_(std::move(peer)) {}

  ~HttpSession() { state_->Unregister(this); }

  void Start() {
    state_->Register(this, this->weak_from_this());
    if constexpr (kTls) {
      Lowest().expires_after(state_->limits().read_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) {
            self->Guarded("TLS handshake", [&] {
              if (ec) return self->Log("TLS handshake failed", ec);
              self->ReadRequest();
            });
          });
    } else {
      ReadRequest();
    }
  }

  void Close() override {
    try {
      Lowest().close();
    } catch (const std::exception& e) {
      spdlog::debug("web: {}: close failed: {}", peer_, e.what());
    }
  }

 private:
  Stream MakeStream(tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls_);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  const BeastRequest& request() const { return parser_->get(); }

  // Runs one step of the exchange; an exception ends only this connection.
  template <class Step>
  void Guarded(const char* step_name, Step&& step) {
    try {
      step();
    } catch (const std::exception& e) {
      spdlog::warn("web: {}: {} failed: {}", peer_, step_name, e.what());
      Close();
    }
  }

  void Log(const char* what, const beast::error_code& ec) const {
    spdlog::debug("web: {}: {}: {}", peer_, what, ec.message());
  }

  void ReadRequest() {
    if (state_->stopped()) return;
    const ServerLimits& limits = state_->limits();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser_->body_limit(kMaxRequestBodyBytes);
    Lowest().expires_after(limits.read_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          self->Guarded("read", [&] { self->OnRequest(ec); });
        });
  }

  void OnRequest(const beast::error_code& ec) {
    if (ec == http::error::end_of_stream) return Shutdown();
    if (ec == http::error::header_limit) return WriteAndClose(431);
    if (ec == http::error::body_limit) return WriteAndClose(413);
    if (ec && ec != http::error::partial_message && IsHttpParseError(ec)) {
      Log("bad request", ec);
      return WriteAndClose(400);
    }
    if (ec) return Log("read ended", ec);

    ActiveWebConfig active = state_->active_config();
    if (!active.authenticator) return Respond(active);
    auto credentials = ParseBasicAuthorization(
        ToStdView(request()[http::field::authorization]));
    if (!credentials) return RespondUnauthorized(active);
    if (active.authenticator->IsRemembered(*credentials)) {
      return Respond(active);
    }
    CheckPasswordInBackground(std::move(active), std::move(*credentials));
  }

  void CheckPasswordInBackground(ActiveWebConfig active,
                                 BasicCredentials credentials) {
    // The work guard keeps io_context::run() from returning while the
    // connection has no I/O pending.
    asio::post(state_->password_checker(),
               [self = this->shared_from_this(), active = std::move(active),
                credentials = std::move(credentials),
                work = asio::make_work_guard(state_->io())]() mutable {
                 bool accepted = false;
                 try {
                   accepted = active.authenticator->Verify(credentials);
                 } catch (const std::exception& e) {
                   spdlog::error("web: password check failed: {}", e.what());
                 }
                 // Moving self makes sure the session is released on the io
                 // thread, never on this one.
                 asio::io_context& io = self->state_->io();
                 asio::post(io, [self = std::move(self),
                                 active = std::move(active), accepted] {
                   self->Guarded("authorization", [&] {
                     if (!self->Lowest().socket().is_open()) return;
                     if (accepted) return self->Respond(active);
                     self->RespondUnauthorized(active);
                   });
                 });
               });
  }

  void RespondUnauthorized(const ActiveWebConfig& active) {
    spdlog::debug("web: {}: unauthorized request for {}", peer_,
                  std::string(request().target()));
    Write(RenderResponse(request(), ErrorResponse(401), *active.config,
                         {{"WWW-Authenticate", kAuthenticateChallenge}}));
  }

  void Respond(const ActiveWebConfig& active) {
    const BeastRequest& req = request();
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      return Write(RenderResponse(req, ErrorResponse(405), *active.config,
                                  {{"Allow", "GET, HEAD"}}));
    }
    Response response;
    try {
      response = state_->handler()(ToHandlerRequest(req));
    } catch (const std::exception& e) {
      spdlog::error("web: handler failed for {}: {}", std::string(req.target()),
                    e.what());
      response = ErrorResponse(500);
    }
    Write(RenderResponse(req, std::move(response), *active.config));
  }

  void WriteAndClose(int status) {
    Write(RenderParseErrorResponse(status, *state_->active_config().config));
  }

  void Write(BeastResponse response) {
    response_ = std::move(response);
    Lowest().expires_after(state_->limits().write_timeout);
    http::async_write(
        stream_, response_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          self->Guarded("write", [&] { self->OnWritten(ec); });
        });
  }

  void OnWritten(const beast::error_code& ec) {
    if (ec) return Log("write failed", ec);
    if (response_.need_eof()) return Shutdown();
    ReadRequest();
  }

  void Shutdown() {
    if constexpr (kTls) {
      Lowest().expires_after(state_->limits().read_timeout);
      // Peers often drop TCP without a close_notify; either way we are done.
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  const std::shared_ptr<ServerState> state_;
  // Declared before stream_: the TLS stream uses the context until it dies.
  const std::shared_ptr<asio::ssl::context> tls_;
  Stream stream_;
  const std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  BeastResponse response_;
};

}  // namespace

void StartConnection(const std::shared_ptr<ServerState>& state,
                     tcp::socket socket) {
  beast::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  std::string peer = ec ? std::string("unknown peer") : FormatEndpoint(remote);
  if (state->connection_count() >= state->limits().max_connections) {
    spdlog::debug("web: {}: refused, {} connections already open", peer,
                  state->connection_count());
    socket.close(ec);
    return;
  }
  auto tls = state->active_config().tls;
  if (tls) {
    std::make_shared<HttpSession<TlsStream>>(state, std::move(tls),
                                             std::move(socket), std::move(peer))
        ->Start();
  } else {
    std::make_shared<HttpSession<beast::tcp_stream>>(
        state, nullptr, std::move(socket), std::move(peer))
        ->Start();
  }
}

std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  std::ostringstream text;
  text << endpoint;
  return text.str();
}

}  // namespace replwatch::web

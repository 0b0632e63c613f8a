#include "web/http_session.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <sstream>
#include <type_traits>

#include "web/http_exchange.h"
#include "web/login_gate.h"

namespace replwatch::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Clock = ConnectionTable::Clock;

// GET and HEAD carry no body; other methods may send a small one, which is
// read so that their 405 answer can keep the connection alive.
constexpr std::uint64_t kMaxRequestBodyBytes = 64 * 1024;

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_method).category();
}

// One connection: read a request, answer it, repeat while keep-alive holds.
// Every read and write has a deadline on the socket, so a stalled peer only
// ever occupies its own connection, and while it waits for its client the
// connection table may close it to admit another.
template <class Stream>
class HttpSession final
    : public Connection,
      public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  HttpSession(std::shared_ptr<ServerState> state,
              std::shared_ptr<asio::ssl::context> tls, tcp::socket socket,
              std::string peer, std::string client)
      : state_(std::move(state)),
        tls_(std::move(tls)),
        stream_(MakeStream(std::move(socket))),
        peer_(std::move(peer)),
        client_(std::move(client)) {}

  ~HttpSession() { state_->connections().Remove(this); }

  void Start() {
    state_->connections().Add(this, this->weak_from_this(), client_,
                              Clock::now());
    // One deadline from accept to the end of the first request, TLS
    // handshake included.
    Lowest().expires_after(state_->limits().read_timeout);
    if constexpr (kTls) {
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

  const std::string& peer() const override { return peer_; }

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
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          self->Guarded("read", [&] { self->OnRequest(ec); });
        });
  }

  void OnRequest(const beast::error_code& ec) {
    state_->connections().SetBusy(this);
    if (ec == http::error::end_of_stream) return Shutdown();
    if (ec == http::error::header_limit) return WriteAndClose(431);
    if (ec == http::error::body_limit) return WriteAndClose(413);
    if (ec && ec != http::error::partial_message && IsHttpParseError(ec)) {
      Log("bad request", ec);
      return WriteAndClose(400);
    }
    if (ec) return Log("read ended", ec);

    ActiveWebConfig active = state_->active_config();
    LoginDecision login = DecideLogin(*state_, active, request(), client_);
    switch (login.step) {
      case LoginDecision::kServe:
        return Respond(active);
      case LoginDecision::kUnauthorized:
        return Write(RenderUnauthorized(request(), *active.config));
      case LoginDecision::kTooMany:
        return Write(RenderTooManyLogins(request(), *active.config,
                                         login.retry_after_seconds));
      case LoginDecision::kCheckPassword:
        break;
    }
    auto authenticator = active.authenticator;
    CheckPassword(
        state_, std::move(authenticator), std::move(login.credentials),
        std::move(login.bucket),
        [self = this->shared_from_this(),
         active = std::move(active)](bool accepted) {
          self->Guarded("authorization", [&] {
            if (!self->Lowest().socket().is_open()) return;
            if (accepted) return self->Respond(active);
            self->Write(RenderUnauthorized(self->request(), *active.config));
          });
        });
  }

  void Respond(const ActiveWebConfig& active) {
    const BeastRequest& req = request();
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      return Write(RenderResponse(req, ToAnswer(req, ErrorResponse(405)),
                                  *active.config, {{"Allow", "GET, HEAD"}}));
    }
    Response response;
    try {
      response = state_->handler()(ToHandlerRequest(req));
    } catch (const std::exception& e) {
      spdlog::error("web: handler failed for {}: {}", std::string(req.target()),
                    e.what());
      response = ErrorResponse(500);
    }
    Answer answer = ToAnswer(req, std::move(response));
    if (!WantsGzip(req, answer)) {
      return Write(RenderResponse(req, answer, *active.config));
    }
    auto body = answer.body;
    const bool shared = answer.shared;
    state_->compressor().Compress(
        std::move(body), shared,
        [self = this->shared_from_this(), active, answer = std::move(answer)](
            std::shared_ptr<const std::string> gzipped) {
          self->Guarded("compression", [&] {
            if (!self->Lowest().socket().is_open()) return;
            self->Write(RenderResponse(self->request(), answer, *active.config,
                                       {}, std::move(gzipped)));
          });
        });
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
    response_ = {};  // A shared body is not held while the client idles.
    Lowest().expires_after(state_->limits().read_timeout);
    state_->connections().SetWaiting(this, Clock::now());
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
  const std::string client_;  // Who limits count this connection as.
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
  std::string client = ec ? peer : ClientOf(remote.address());
  if (!state->AdmitConnection(peer, client)) {
    socket.close(ec);
    return;
  }
  auto tls = state->active_config().tls;
  if (tls) {
    std::make_shared<HttpSession<TlsStream>>(state, std::move(tls),
                                             std::move(socket), std::move(peer),
                                             std::move(client))
        ->Start();
  } else {
    std::make_shared<HttpSession<beast::tcp_stream>>(
        state, nullptr, std::move(socket), std::move(peer), std::move(client))
        ->Start();
  }
}

std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  std::ostringstream text;
  text << endpoint;
  return text.str();
}

}  // namespace replwatch::web

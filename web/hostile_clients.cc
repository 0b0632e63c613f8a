#include "web/hostile_clients.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>

namespace replwatch::web::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// After a failed connect (refused, out of ports or descriptors), so that a
// dead server does not make the flood spin.
constexpr std::chrono::milliseconds kRetryDelay{100};

std::string RequestText(const FloodOptions& options) {
  std::string text = "GET " + options.path + " HTTP/1.1\r\nHost: replwatch\r\n";
  for (const auto& header : options.headers) text += header + "\r\n";
  if (options.hostility == Hostility::kSlow) {
    // Longer than any read deadline lets a client take at one byte a step.
    return text + "X-Slow: " + std::string(4096, 's') + "\r\n\r\n";
  }
  return text + "Connection: close\r\n\r\n";
}

}  // namespace

// One hostile connection, opened again whenever the server closes it.
class HostileClients::Connection
    : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(HostileClients& flood)
      : flood_(flood),
        request_(RequestText(flood.options_)),
        socket_(flood.io_),
        timer_(flood.io_),
        // Only answers are worth a big buffer; thousands of idle
        // connections each keep theirs.
        buffer_(flood.options_.hostility == Hostility::kRepeat ? 65536 : 256) {}

  void Open() {
    ++generation_;
    boost::system::error_code ec;
    socket_ = tcp::socket(flood_.io_);
    socket_.open(flood_.options_.server.protocol(), ec);
    if (!ec && !flood_.options_.source.is_unspecified()) {
      socket_.bind({flood_.options_.source, 0}, ec);
    }
    if (ec) return RetryLater();
    socket_.async_connect(flood_.options_.server,
                          [self = shared_from_this(), generation = generation_](
                              boost::system::error_code error) {
                            if (generation != self->generation_) return;
                            if (error) return self->RetryLater();
                            self->OnConnected();
                          });
  }

 private:
  void OnConnected() {
    ++flood_.open_;
    answer_.clear();
    switch (flood_.options_.hostility) {
      case Hostility::kSlow:
        sent_ = 0;
        SendNextByte();
        return ReadUntilClosed();
      case Hostility::kIdle:
        return ReadUntilClosed();
      case Hostility::kRepeat:
        asio::async_write(socket_, asio::buffer(request_),
                          [self = shared_from_this(), generation = generation_](
                              boost::system::error_code, std::size_t) {
                            if (generation != self->generation_) return;
                            self->ReadUntilClosed();
                          });
        return;
    }
  }

  void SendNextByte() {
    const char* byte = request_.data() + sent_++ % request_.size();
    asio::async_write(socket_, asio::buffer(byte, 1),
                      [](boost::system::error_code, std::size_t) {});
    timer_.expires_after(flood_.options_.byte_interval);
    timer_.async_wait([self = shared_from_this(), generation = generation_](
                          boost::system::error_code error) {
      if (!error && generation == self->generation_) self->SendNextByte();
    });
  }

  // Whatever the server sends is read (the status line kept) until it
  // closes the connection; then the connection is opened again.
  void ReadUntilClosed() {
    socket_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this(), generation = generation_](
            boost::system::error_code error, std::size_t n) {
          if (generation != self->generation_) return;
          if (self->answer_.size() < 16) {
            self->answer_.append(self->buffer_.data(),
                                 std::min<std::size_t>(n, 16));
          }
          if (!error) return self->ReadUntilClosed();
          self->OnClosed();
        });
  }

  void OnClosed() {
    --flood_.open_;
    ++flood_.closed_;
    // "HTTP/1.1 200 ..."
    if (answer_.size() >= 12 && answer_.compare(0, 5, "HTTP/") == 0) {
      const int status = std::atoi(answer_.c_str() + 9);
      if (status > 0 && status < 600) ++flood_.answers_by_status_[status];
    }
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    Open();
  }

  void RetryLater() {
    timer_.expires_after(kRetryDelay);
    timer_.async_wait([self = shared_from_this(), generation = generation_](
                          boost::system::error_code error) {
      if (!error && generation == self->generation_) self->Open();
    });
  }

  HostileClients& flood_;
  const std::string request_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  std::size_t generation_ = 0;  // Handlers of an earlier socket do nothing.
  std::size_t sent_ = 0;
  std::vector<char> buffer_;
  std::string answer_;
};

HostileClients::HostileClients(FloodOptions options)
    : options_(std::move(options)) {
  for (std::size_t i = 0; i < options_.connections; ++i) {
    connections_.push_back(std::make_shared<Connection>(*this));
    connections_.back()->Open();
  }
  thread_ = std::thread([this] {
    auto work = asio::make_work_guard(io_);
    io_.run();
  });
}

HostileClients::~HostileClients() {
  io_.stop();
  thread_.join();
}

std::size_t HostileClients::answers(int status) const {
  return status > 0 && status < 600 ? answers_by_status_[status].load() : 0;
}

}  // namespace replwatch::web::testing

#include "web/body_compressor.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <vector>

#include "web/gzip.h"

namespace replwatch::web {

// One compression and the callers waiting for its result.
struct BodyCompressor::Run {
  std::weak_ptr<const std::string> source;  // Weak: the handler owns it.
  bool finished = false;
  std::shared_ptr<const std::string> compressed;
  std::vector<Done> waiting;
};

BodyCompressor::BodyCompressor(boost::asio::io_context& io) : io_(io) {}

void BodyCompressor::Compress(std::shared_ptr<const std::string> body,
                              bool shared, Done done) {
  // An expired source never equals a live body, even at the same address.
  if (shared && latest_shared_ && latest_shared_->source.lock() == body) {
    if (latest_shared_->finished) return done(latest_shared_->compressed);
    latest_shared_->waiting.push_back(std::move(done));
    return;
  }
  auto run = std::make_shared<Run>();
  run->source = body;
  run->waiting.push_back(std::move(done));
  if (shared) latest_shared_ = run;
  Start(std::move(run), std::move(body));
}

void BodyCompressor::Start(std::shared_ptr<Run> run,
                           std::shared_ptr<const std::string> body) {
  // The work guard keeps io_context::run() from returning while waiting
  // clients have no I/O pending.
  boost::asio::post(
      worker_, [&io = io_, run = std::move(run), body = std::move(body),
                work = boost::asio::make_work_guard(io_)]() mutable {
        std::shared_ptr<const std::string> compressed;
        try {
          compressed = std::make_shared<const std::string>(GzipCompress(*body));
        } catch (const std::exception& e) {
          spdlog::error("web: {}; sending the body uncompressed", e.what());
        }
        body.reset();
        // Moved on, so the callers (and the connections they hold) are
        // released on the io thread, never on this one.
        boost::asio::post(
            io, [run = std::move(run), compressed = std::move(compressed)] {
              run->finished = true;
              run->compressed = compressed;
              for (auto& done : std::exchange(run->waiting, {}))
                done(compressed);
            });
      });
}

}  // namespace replwatch::web

#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).

namespace replwatch::web {

// gzip-compresses response bodies on a thread of its own, so the io thread,
// which answers every client, never runs zlib. A shared body (one served
// many times unchanged, like the exposition) is compressed once: clients
// asking meanwhile wait for the same run, later ones get the kept result
// until another shared body takes its place.
class BodyCompressor {
 public:
  // Gets the compressed body, or null if zlib failed; runs on the io thread.
  using Done = std::function<void(std::shared_ptr<const std::string>)>;

  explicit BodyCompressor(boost::asio::io_context& io);

  // io thread only.
  void Compress(std::shared_ptr<const std::string> body, bool shared,
                Done done);

 private:
  struct Run;

  void Start(std::shared_ptr<Run> run, std::shared_ptr<const std::string> body);

  boost::asio::io_context& io_;
  boost::asio::thread_pool worker_{1};
  std::shared_ptr<Run> latest_shared_;
};

}  // namespace replwatch::web

#include "daemon/config_reader.h"

#include <boost/asio/post.hpp>
#include <mutex>
#include <system_error>
#include <thread>

namespace replwatch {

struct ConfigReader::Channel {
  std::mutex mutex;
  boost::asio::io_context* io;  // Null once the reader is gone.
};

ConfigReader::ConfigReader(boost::asio::io_context& io)
    : io_(io), channel_(std::make_shared<Channel>()) {
  channel_->io = &io;
}

ConfigReader::~ConfigReader() {
  std::lock_guard<std::mutex> lock(channel_->mutex);
  channel_->io = nullptr;
}

void ConfigReader::Start(std::function<ReadConfigs()> read,
                         std::function<void(ReadConfigs)> done) {
  running_ = true;
  // Runs on the io thread, where the reader is destroyed too: a reader
  // gone by then is never touched.
  auto finish = [this, channel = channel_,
                 done = std::move(done)](ReadConfigs configs) {
    if (channel->io == nullptr) return;
    running_ = false;
    done(std::move(configs));
  };
  try {
    std::thread([channel = channel_, read = std::move(read), finish]() mutable {
      ReadConfigs configs = read();
      std::lock_guard<std::mutex> lock(channel->mutex);
      if (channel->io == nullptr) return;
      boost::asio::post(*channel->io, [finish = std::move(finish),
                                       configs = std::move(configs)]() mutable {
        finish(std::move(configs));
      });
    }).detach();
  } catch (const std::system_error& e) {
    ReadConfigs failed;
    failed.problems = {std::string("cannot start a thread to read the "
                                   "config: ") +
                       e.what()};
    boost::asio::post(io_, [finish = std::move(finish),
                            failed = std::move(failed)]() mutable {
      finish(std::move(failed));
    });
  }
}

}  // namespace replwatch

// A well-behaved scraper's latency while one attack of issue 18 runs
// against a server: N scrapes in a row from 127.0.0.1 (a new connection
// each, plain text, with basic auth if given; 10 s timeout like
// Prometheus'), while a flood from 127.0.0.2 keeps up its pressure.
// Prints one line: attack, p50, p99, max, failed scrapes.
// Usage: attack_bench <port> <attack> <scrapes> [user:password]
//   A "%d" in user:password becomes the scrape's number: with one user per
//   scrape, every scrape is a first login (a password check, not
//   remembered).
//   attack: none | slow (128 connections sending one byte every 2 s) |
//           idle (2,000 idle connections) | gzip (4 clients fetching with
//           gzip) | auth (100 connections sending a wrong password)

#include <openssl/evp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "web/hostile_clients.h"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using replwatch::web::testing::FloodOptions;
using replwatch::web::testing::HostileClients;
using replwatch::web::testing::Hostility;

std::string Base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::optional<FloodOptions> Attack(const std::string& name,
                                   tcp::endpoint server) {
  FloodOptions flood;
  flood.server = server;
  flood.source = asio::ip::make_address("127.0.0.2");
  if (name == "slow") {
    flood.hostility = Hostility::kSlow;
    flood.connections = 128;
  } else if (name == "idle") {
    flood.hostility = Hostility::kIdle;
    flood.connections = 2000;
  } else if (name == "gzip") {
    flood.hostility = Hostility::kRepeat;
    flood.connections = 4;
    flood.headers = {"Accept-Encoding: gzip"};
  } else if (name == "auth") {
    flood.hostility = Hostility::kRepeat;
    flood.connections = 100;
    flood.headers = {"Authorization: Basic " + Base64("prometheus:wrong")};
  } else {
    return std::nullopt;
  }
  return flood;
}

// One scrape on a new connection; its latency, or a negative number if it
// failed or took longer than 10 s.
double Scrape(tcp::endpoint server, const std::string& authorization) {
  const auto start = std::chrono::steady_clock::now();
  asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.open(tcp::v4(), ec);
  socket.bind({asio::ip::make_address("127.0.0.1"), 0}, ec);
  timeval timeout{10, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
             sizeof timeout);
  socket.connect(server, ec);
  if (ec) return -1;
  std::string request =
      "GET /metrics HTTP/1.1\r\nHost: replwatch\r\nConnection: close\r\n";
  if (!authorization.empty()) {
    request += "Authorization: Basic " + Base64(authorization) + "\r\n";
  }
  request += "\r\n";
  asio::write(socket, asio::buffer(request), ec);
  std::string response;
  asio::read(socket, asio::dynamic_buffer(response), ec);
  const std::chrono::duration<double> took =
      std::chrono::steady_clock::now() - start;
  const bool ok = ec == asio::error::eof &&
                  response.rfind("HTTP/1.1 200", 0) == 0 && took.count() < 10;
  return ok ? took.count() : -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr,
                 "usage: %s <port> none|slow|idle|gzip|auth <scrapes> "
                 "[user:password]\n",
                 argv[0]);
    return 2;
  }
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"),
                             static_cast<unsigned short>(std::stoi(argv[1])));
  const std::string attack = argv[2];
  const int scrapes = std::stoi(argv[3]);
  const std::string authorization = argc == 5 ? argv[4] : "";
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  std::unique_ptr<HostileClients> flood;
  if (attack != "none") {
    const auto options = Attack(attack, server);
    if (!options) {
      std::fprintf(stderr, "unknown attack '%s'\n", attack.c_str());
      return 2;
    }
    flood = std::make_unique<HostileClients>(*options);
    // Let the flood take hold before measuring.
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  std::vector<double> latencies;
  int failed = 0;
  const auto number_at = authorization.find("%d");
  for (int i = 0; i < scrapes; ++i) {
    std::string credentials = authorization;
    if (number_at != std::string::npos) {
      credentials.replace(number_at, 2, std::to_string(i));
    }
    const double took = Scrape(server, credentials);
    if (took < 0) {
      ++failed;
    } else {
      latencies.push_back(took);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) {
    if (latencies.empty()) return -1.0;
    return latencies[std::min(latencies.size() - 1,
                              static_cast<std::size_t>(q * latencies.size()))] *
           1000;
  };
  std::printf("%-6s p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms  failed %d/%d\n",
              attack.c_str(), at(0.5), at(0.99),
              latencies.empty() ? -1.0 : latencies.back() * 1000, failed,
              scrapes);
  return 0;
}

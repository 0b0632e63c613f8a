#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).
#include <vector>

#include "web/http_server.h"

namespace replwatch::web::testing {

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  // Writes a file and returns its full path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout
  std::string errors;  // stderr
};

// Runs a program (looked up in PATH, no shell) and waits for it.
CommandResult Run(const std::vector<std::string>& argv);

struct CurlResult {
  int exit_code = -1;  // curl's own exit code (0: a response arrived)
  int status = 0;      // HTTP status, 0 if none
  std::string headers;
  std::string body;
  // Value of the last header with this name (case-insensitive), "" if none.
  std::string Header(const std::string& name) const;
};

// Runs the real curl binary against url with extra arguments.
CurlResult Curl(const std::string& url,
                const std::vector<std::string>& args = {});

// Self-signed certificate and key made by the openssl CLI.
struct CertificatePair {
  std::string cert_file;
  std::string key_file;
};
CertificatePair MakeSelfSignedCertificate(const TempDir& dir,
                                          const std::string& name);

// bcrypt hash of password as made by `htpasswd -nbBC <cost>`.
std::string BcryptHash(const std::string& user, const std::string& password,
                       int cost = 10);

// Scrapes url `count` times in a row from 127.0.0.1 with curl, as
// Prometheus would: every scrape must be answered 200 within Prometheus'
// default 10 s scrape timeout (Catch CHECKs; each latency goes to INFO).
void ExpectEveryScrapeAnswered(const std::string& url, int count,
                               std::vector<std::string> curl_args = {});

// Decodes gzip with zlib's own reader, independent of GzipCompress.
std::string Gunzip(const std::string& compressed);

// Polls `condition` every 10 ms until it holds or `limit` passes; returns
// whether it held.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds limit);

// A raw client socket. Reads give up after 60 s instead of hanging the test
// run if the server never closes the connection.
class RawClient {
 public:
  explicit RawClient(const boost::asio::ip::tcp::endpoint& server);
  void Send(const std::string& data);
  // Reads up to and including the blank line that ends a response head.
  std::string ReadResponseHead();
  // Everything the server sends until it closes the connection.
  std::string ReadUntilClosed();
  bool closed_by_server() const { return closed_by_server_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  bool closed_by_server_ = false;
};

// An HttpServer whose io_context runs on its own thread. The destructor
// calls Stop() and expects the io_context to run out of work.
class RunningServer {
 public:
  RunningServer(Handler handler, std::vector<std::string> addresses,
                ServerLimits limits = {},
                std::shared_ptr<const WebConfig> config = nullptr);
  ~RunningServer();

  HttpServer& server() { return server_; }
  // URL for the given bound endpoint, e.g. "http://127.0.0.1:4711/path".
  std::string Url(const std::string& path, std::size_t endpoint = 0,
                  const std::string& scheme = "http") const;

 private:
  boost::asio::io_context io_;
  HttpServer server_;
  std::thread thread_;
};

}  // namespace replwatch::web::testing

#include "web/web_test_support.h"

#include <poll.h>
#include <spawn.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "testing/catch.h"

extern char** environ;

namespace replwatch::web::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Server logs go to stderr so they never mix with Catch's reporter output.
// Set before main, so that a CapturedLog taking over later is not undone.
const bool kLogToStderr = [] {
  spdlog::set_default_logger(spdlog::stderr_color_mt("web_test"));
  return true;
}();

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Reads both pipes until EOF; poll() avoids a deadlock when the child fills
// one pipe while we block on the other.
void Drain(int out_fd, int err_fd, CommandResult& result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.output, &result.errors};
  int open_fds = 2;
  char buffer[4096];
  while (open_fds > 0 && poll(fds, 2, -1) > 0) {
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else {
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = "/tmp/replwatch-web-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Write(const std::string& name,
                           const std::string& content) const {
  const std::string file = (path_ / name).string();
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

CommandResult Run(const std::vector<std::string>& argv) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0)
    throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
    posix_spawn_file_actions_addclose(&actions, fd);
  }
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawn_error =
      posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  if (spawn_error == 0) Drain(out_pipe[0], err_pipe[0], result);
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (spawn_error != 0) throw std::runtime_error("cannot start " + argv[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string CurlResult::Header(const std::string& name) const {
  std::istringstream lines(headers);
  std::string line;
  std::string value;
  const std::string prefix = Lowercase(name) + ":";
  while (std::getline(lines, line)) {
    if (Lowercase(line.substr(0, prefix.size())) != prefix) continue;
    value = line.substr(prefix.size());
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r ") + 1);
  }
  return value;
}

CurlResult Curl(const std::string& url, const std::vector<std::string>& args) {
  TempDir dir;
  const std::string body_file = (dir.path() / "body").string();
  const std::string header_file = (dir.path() / "headers").string();
  std::vector<std::string> argv = {
      "curl",    "-sS", "--max-time", "60", "-o",
      body_file, "-D",  header_file,  "-w", "%{http_code}"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(url);
  const CommandResult run = Run(argv);
  CurlResult result;
  result.exit_code = run.exit_code;
  result.status = run.output.empty() ? 0 : std::stoi(run.output);
  result.headers = ReadFile(header_file);
  result.body = ReadFile(body_file);
  return result;
}

CertificatePair MakeSelfSignedCertificate(const TempDir& dir,
                                          const std::string& name) {
  CertificatePair pair{(dir.path() / (name + ".crt")).string(),
                       (dir.path() / (name + ".key")).string()};
  const CommandResult run =
      Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
           "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
           "/CN=" + name, "-addext",
           "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1", "-keyout",
           pair.key_file, "-out", pair.cert_file});
  if (run.exit_code != 0) throw std::runtime_error("openssl: " + run.errors);
  return pair;
}

std::string BcryptHash(const std::string& user, const std::string& password,
                       int cost) {
  const CommandResult run =
      Run({"htpasswd", "-nbBC", std::to_string(cost), user, password});
  const auto colon = run.output.find(':');
  if (run.exit_code != 0 || colon == std::string::npos) {
    throw std::runtime_error("htpasswd: " + run.errors);
  }
  return run.output.substr(colon + 1, run.output.find('\n') - colon - 1);
}

void ExpectEveryScrapeAnswered(const std::string& url, int count,
                               std::vector<std::string> curl_args) {
  curl_args.insert(curl_args.end(),
                   {"--max-time", "10", "--interface", "127.0.0.1"});
  for (int i = 0; i < count; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const CurlResult scrape = Curl(url, curl_args);
    const std::chrono::duration<double> took =
        std::chrono::steady_clock::now() - start;
    INFO("scrape " << i << ": curl exit " << scrape.exit_code << ", status "
                   << scrape.status << ", " << took.count() << " s");
    CHECK(scrape.exit_code == 0);
    CHECK(scrape.status == 200);
  }
}

std::string Gunzip(const std::string& compressed) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK);
  stream.next_in =
      reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string output;
  char buffer[4096];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    output.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  REQUIRE(result == Z_STREAM_END);
  return output;
}

bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

RawClient::RawClient(const boost::asio::ip::tcp::endpoint& server)
    : socket_(io_) {
  socket_.connect(server);
  timeval timeout{60, 0};
  setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
             sizeof timeout);
}

void RawClient::Send(const std::string& data) {
  boost::asio::write(socket_, boost::asio::buffer(data));
}

std::string RawClient::ReadResponseHead() {
  std::string received;
  boost::asio::read_until(socket_, boost::asio::dynamic_buffer(received),
                          "\r\n\r\n");
  return received;
}

std::string RawClient::ReadUntilClosed() {
  std::string received;
  boost::system::error_code ec;
  boost::asio::read(socket_, boost::asio::dynamic_buffer(received), ec);
  closed_by_server_ = ec == boost::asio::error::eof;
  return received;
}

RunningServer::RunningServer(Handler handler,
                             std::vector<std::string> addresses,
                             ServerLimits limits,
                             std::shared_ptr<const WebConfig> config)
    : server_(io_, std::move(handler), limits) {
  if (config) server_.SetWebConfig(std::move(config));
  server_.Listen(addresses);
  thread_ = std::thread([this] { io_.run(); });
}

RunningServer::~RunningServer() {
  server_.Stop();
  thread_.join();
}

std::string RunningServer::Url(const std::string& path, std::size_t endpoint,
                               const std::string& scheme) const {
  const auto bound = server_.LocalEndpoints().at(endpoint);
  const auto address = bound.address();
  const std::string host =
      address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return scheme + "://" + host + ":" + std::to_string(bound.port()) + path;
}

}  // namespace replwatch::web::testing

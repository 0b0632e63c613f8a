#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20).

#include "web/web_config.h"

namespace replwatch::web {

/// A TLS file that OpenSSL refused; field() names the config key at fault
/// ("cert_file", "key_file" or "client_ca_file").
class TlsContextError : public std::runtime_error {
 public:
  TlsContextError(std::string field, const std::string& message)
      : std::runtime_error(message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

/// Builds a server-side OpenSSL context from tls_server_config.
/// Throws TlsContextError when a file cannot be used.
std::shared_ptr<boost::asio::ssl::context> MakeTlsContext(
    const TlsServerConfig& config);

}  // namespace replwatch::web

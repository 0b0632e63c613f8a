#include "web/tls_context.h"

#include <openssl/ssl.h>

namespace replwatch::web {
namespace {

namespace ssl = boost::asio::ssl;

int ToOpenSslVersion(TlsVersion version) {
  return version == TlsVersion::kTls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

void Check(const boost::system::error_code& ec, const char* field,
           const std::string& what, const std::string& file) {
  if (ec) {
    throw TlsContextError(field, "cannot load " + what + " from " + field +
                                     " \"" + file + "\": " + ec.message());
  }
}

void LoadClientCa(ssl::context& ctx, const std::string& file) {
  boost::system::error_code ec;
  ctx.load_verify_file(file, ec);
  Check(ec, "client_ca_file", "CA certificates", file);
  // Lets clients pick a matching certificate from the advertised CA names.
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(file.c_str());
  if (names != nullptr) SSL_CTX_set_client_CA_list(ctx.native_handle(), names);
}

void ApplyClientAuth(ssl::context& ctx, ClientAuthType type) {
  const auto accept_any = [](bool, ssl::verify_context&) { return true; };
  switch (type) {
    case ClientAuthType::kNoClientCert:
      ctx.set_verify_mode(ssl::verify_none);
      break;
    case ClientAuthType::kRequestClientCert:
      ctx.set_verify_mode(ssl::verify_peer);
      ctx.set_verify_callback(accept_any);
      break;
    case ClientAuthType::kRequireAnyClientCert:
      ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      ctx.set_verify_callback(accept_any);
      break;
    case ClientAuthType::kVerifyClientCertIfGiven:
      ctx.set_verify_mode(ssl::verify_peer);
      break;
    case ClientAuthType::kRequireAndVerifyClientCert:
      ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      break;
  }
}

}  // namespace

std::shared_ptr<ssl::context> MakeTlsContext(const TlsServerConfig& config) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(),
                                ToOpenSslVersion(config.min_version));
  SSL_CTX_set_max_proto_version(ctx->native_handle(),
                                ToOpenSslVersion(config.max_version));

  boost::system::error_code ec;
  ctx->use_certificate_chain_file(config.cert_file, ec);
  Check(ec, "cert_file", "certificate chain", config.cert_file);
  ctx->use_private_key_file(config.key_file, ssl::context::pem, ec);
  Check(ec, "key_file", "private key", config.key_file);
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    throw TlsContextError("key_file", "key_file \"" + config.key_file +
                                          "\" does not match cert_file");
  }
  if (!config.client_ca_file.empty()) LoadClientCa(*ctx, config.client_ca_file);
  ApplyClientAuth(*ctx, config.client_auth_type);
  return ctx;
}

}  // namespace replwatch::web

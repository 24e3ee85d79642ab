#include "gateway/tls_credentials.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace parley {

namespace ssl = boost::asio::ssl;

namespace {

std::string openssl_error(const std::string& what) {
  auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return what;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return what + ": " + text;
}

}  // namespace

bool tls_credentials::reload(std::string& error) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  auto* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, cert_file_.c_str()) != 1) {
    error = openssl_error("tls_cert " + cert_file_);
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(native, key_file_.c_str(), SSL_FILETYPE_PEM) != 1) {
    error = openssl_error("tls_key " + key_file_);
    return false;
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    error = openssl_error("tls_key " + key_file_ + " does not match tls_cert " + cert_file_);
    return false;
  }
  std::lock_guard<std::mutex> guard(lock_);
  context_ = std::move(context);
  return true;
}

}  // namespace parley

// tls_credentials: the node's certificate and key as an OpenSSL server context, reloadable.
//
// load() reads a PEM certificate chain and a PEM private key, checks that they match, and
// builds a context for TLS 1.2 and later (no compression, no renegotiation, the server's
// cipher order, and SSL_MODE_RELEASE_BUFFERS so an idle connection holds no OpenSSL record
// buffers). reload() does the same from the same files and swaps the context in only when
// every step succeeded: a broken file on SIGHUP leaves the node serving the old certificate.
// Each connection keeps the context it was accepted with (shared), so a reload drops none.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace parley {

class tls_credentials {
 public:
  tls_credentials(std::string cert_file, std::string key_file)
      : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}

  // Loads (or reloads) the files. False with `error` set; the current context is kept.
  bool reload(std::string& error);

  // The context new connections use (null before the first successful load).
  std::shared_ptr<boost::asio::ssl::context> current() const {
    std::lock_guard<std::mutex> guard(lock_);
    return context_;
  }

 private:
  std::string cert_file_;
  std::string key_file_;
  mutable std::mutex lock_;
  std::shared_ptr<boost::asio::ssl::context> context_;
};

}  // namespace parley

#include "tests/console/tls_test_server.hpp"

#include <csignal>
#include <stdexcept>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace ivm::test {

struct tls_test_server::tls_state {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  SSL_CTX* ctx = nullptr;

  ~tls_state() {
    SSL_CTX_free(ctx);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

namespace {

/// A self-signed P-256 certificate for "test box", valid for a day.
void make_certificate(EVP_PKEY*& key, X509*& cert) {
  key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  cert = X509_new();
  if (key == nullptr || cert == nullptr)
    throw std::runtime_error{"cannot make a key"};
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  auto* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("test box"),
                             -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  if (X509_sign(cert, key, EVP_sha256()) == 0)
    throw std::runtime_error{"cannot sign the certificate"};
}

std::string sha256_hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0x0f];
  }
  return out;
}

void set_cork(int fd, int on) {
  ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
}

} // namespace

tls_test_server::tls_test_server(std::vector<std::string> parts, bool linger) {
  std::signal(SIGPIPE, SIG_IGN); // a client that left: an error, no signal
  tls_ = new tls_state;
  make_certificate(tls_->key, tls_->cert);
  fingerprint_ = sha256_hex(tls_->cert);
  tls_->ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(tls_->ctx, tls_->cert);
  SSL_CTX_use_PrivateKey(tls_->ctx, tls_->key);
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
      ::listen(fd_, 1) != 0)
    throw std::runtime_error{"cannot listen"};
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread{
      [this, parts = std::move(parts), linger] { serve(parts, linger); }};
}

tls_test_server::~tls_test_server() {
  join();
  ::close(fd_);
  delete tls_;
}

void tls_test_server::join() {
  if (thread_.joinable())
    thread_.join();
}

const std::string& tls_test_server::received() {
  join();
  return received_;
}

void tls_test_server::serve(std::vector<std::string> parts, bool linger) {
  int c = ::accept(fd_, nullptr, nullptr);
  if (c < 0)
    return;
  SSL* ssl = SSL_new(tls_->ctx);
  SSL_set_fd(ssl, c);
  if (SSL_accept(ssl) == 1) {
    char buf[4096];
    while (received_.find("\r\n\r\n") == std::string::npos) {
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0)
        break;
      received_.append(buf, static_cast<std::size_t>(n));
    }
    if (!received_.empty()) {
      set_cork(c, 1); // the records leave together
      for (auto& p : parts)
        SSL_write(ssl, p.data(), static_cast<int>(p.size()));
      set_cork(c, 0);
    }
    if (linger) {
      for (;;) { // until the client hangs up
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0)
          break;
        received_.append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  SSL_free(ssl);
  ::close(c);
}

} // namespace ivm::test

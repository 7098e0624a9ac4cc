#include "console/client/tls_channel.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace ivm::admin::detail {

namespace {

struct ctx_deleter {
  void operator()(SSL_CTX* p) const {
    SSL_CTX_free(p);
  }
};

struct ssl_deleter {
  void operator()(SSL* p) const {
    SSL_free(p);
  }
};

struct x509_deleter {
  void operator()(X509* p) const {
    X509_free(p);
  }
};

/// The reason of OpenSSL's oldest queued error (the queue is cleared), or
/// `fallback` when there is none.
std::string ssl_reason(const char* fallback) {
  auto code = ERR_get_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? std::string{reason} : std::string{fallback};
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

io_error errno_error(int err) {
  return io_error{false, false, std::strerror(err)};
}

} // namespace

// The socket is driven here, not by OpenSSL: the session reads and writes
// memory BIOs, and this code moves their bytes with send(MSG_NOSIGNAL) and
// recv, waiting with poll. So a closed peer is an error, never SIGPIPE.
struct tls_channel::impl {
  int fd = -1;
  std::unique_ptr<SSL_CTX, ctx_deleter> ctx;
  std::unique_ptr<SSL, ssl_deleter> ssl;
  BIO* in = nullptr;  // owned by ssl: bytes from the server
  BIO* out = nullptr; // owned by ssl: bytes for the server
  std::string fingerprint;
  bool verified = false;

  /// Sends everything the session queued.
  std::optional<io_error> flush(std::chrono::milliseconds limit) {
    char buf[16384];
    while (BIO_ctrl_pending(out) > 0) {
      int n = BIO_read(out, buf, sizeof(buf));
      if (n <= 0)
        break;
      std::size_t sent = 0;
      while (sent < static_cast<std::size_t>(n)) {
        auto k = ::send(fd, buf + sent, static_cast<std::size_t>(n) - sent,
                        MSG_NOSIGNAL);
        if (k > 0) {
          sent += static_cast<std::size_t>(k);
        } else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          int err = wait_for(fd, POLLOUT, limit);
          if (err == ETIMEDOUT)
            return io_error{true, false, {}};
          if (err != 0)
            return errno_error(err);
        } else if (k < 0 && errno != EINTR) {
          return errno_error(errno);
        }
      }
    }
    return std::nullopt;
  }

  /// Moves what the server sent into the session; at the end of the
  /// stream the session's reads see it too.
  std::optional<io_error> fill(std::chrono::milliseconds limit) {
    char buf[16384];
    for (;;) {
      auto n = ::recv(fd, buf, sizeof(buf), 0);
      if (n > 0) {
        BIO_write(in, buf, static_cast<int>(n));
        return std::nullopt;
      }
      if (n == 0 || (n < 0 && errno == ECONNRESET)) {
        BIO_set_mem_eof_return(in, 0);
        return std::nullopt;
      }
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        return errno_error(errno);
      int err = wait_for(fd, POLLIN, limit);
      if (err == ETIMEDOUT)
        return io_error{true, false, {}};
      if (err != 0)
        return errno_error(err);
    }
  }

  /// Runs `op` (SSL_connect, SSL_read, SSL_write) until it completes:
  /// its result (> 0), 0 at a clean end of the stream, or why not.
  template <class Op>
  expected<int, io_error> drive(Op op, std::chrono::milliseconds limit,
                                const char* what) {
    for (;;) {
      ERR_clear_error();
      int rc = op();
      int err = rc > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl.get(), rc);
      if (auto e = flush(limit))
        return unexpected(*e);
      switch (err) {
        case SSL_ERROR_NONE:
          return rc;
        case SSL_ERROR_WANT_READ:
          if (auto e = fill(limit))
            return unexpected(*e);
          break;
        case SSL_ERROR_WANT_WRITE:
          break;
        case SSL_ERROR_ZERO_RETURN:
          return 0;
        case SSL_ERROR_SYSCALL:
          return unexpected(io_error{
              false, false, ssl_reason("the server closed the connection")});
        default:
          return unexpected(io_error{false, false, ssl_reason(what)});
      }
    }
  }
};

tls_channel::tls_channel(std::unique_ptr<impl> p) : impl_(std::move(p)) {
  // nop
}

tls_channel::~tls_channel() = default;

expected<std::unique_ptr<tls_channel>, io_error>
tls_channel::handshake(int fd, const std::string& host,
                       std::chrono::milliseconds limit) {
  auto fail = [](const char* what) {
    return unexpected(io_error{false, false, ssl_reason(what)});
  };
  auto p = std::make_unique<impl>();
  p->fd = fd;
  p->ctx.reset(SSL_CTX_new(TLS_client_method()));
  if (!p->ctx)
    return fail("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(p->ctx.get(), TLS1_2_VERSION);
  // The chain is checked, but judged afterwards (a self-signed box
  // certificate is then checked against its pin).
  SSL_CTX_set_verify(p->ctx.get(), SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_default_verify_paths(p->ctx.get());
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
  // The box may close after the response without close_notify; the HTTP
  // parser decides whether the response was complete.
  SSL_CTX_set_options(p->ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
  p->ssl.reset(SSL_new(p->ctx.get()));
  if (!p->ssl)
    return fail("cannot create a TLS session");
  auto* ssl = p->ssl.get();
  if (is_ip_literal(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    SSL_set1_host(ssl, host.c_str());
  }
  p->in = BIO_new(BIO_s_mem());
  p->out = BIO_new(BIO_s_mem());
  if (p->in == nullptr || p->out == nullptr) {
    BIO_free(p->in);
    BIO_free(p->out);
    return fail("out of memory");
  }
  SSL_set_bio(ssl, p->in, p->out);
  SSL_set_connect_state(ssl);
  auto done = p->drive([ssl] { return SSL_connect(ssl); }, limit,
                       "TLS handshake failed");
  if (!done)
    return unexpected(done.error());
  if (*done == 0)
    return unexpected(
        io_error{false, false, "the server closed the connection"});
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  std::unique_ptr<X509, x509_deleter> cert{SSL_get1_peer_certificate(ssl)};
#else
  std::unique_ptr<X509, x509_deleter> cert{SSL_get_peer_certificate(ssl)};
#endif
  if (!cert)
    return unexpected(io_error{false, false, "the server sent no certificate"});
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1)
    return fail("cannot hash the server's certificate");
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < len; ++i) {
    p->fingerprint += hex[md[i] >> 4];
    p->fingerprint += hex[md[i] & 0x0f];
  }
  p->verified = SSL_get_verify_result(ssl) == X509_V_OK;
  return std::unique_ptr<tls_channel>{new tls_channel{std::move(p)}};
}

const std::string& tls_channel::fingerprint() const noexcept {
  return impl_->fingerprint;
}

bool tls_channel::ca_verified() const noexcept {
  return impl_->verified;
}

expected<std::size_t, io_error>
tls_channel::write_some(const char* data, std::size_t size,
                        std::chrono::milliseconds limit) {
  auto* ssl = impl_->ssl.get();
  auto n = static_cast<int>(std::min<std::size_t>(size, 1 << 20));
  auto rc = impl_->drive([&] { return SSL_write(ssl, data, n); }, limit,
                         "TLS write failed");
  if (!rc)
    return unexpected(rc.error());
  if (*rc == 0)
    return unexpected(
        io_error{false, false, "the server closed the connection"});
  return static_cast<std::size_t>(*rc);
}

expected<std::size_t, io_error>
tls_channel::read_some(char* buf, std::size_t size,
                       std::chrono::milliseconds limit) {
  auto* ssl = impl_->ssl.get();
  auto n = static_cast<int>(std::min<std::size_t>(size, 1 << 20));
  auto rc = impl_->drive([&] { return SSL_read(ssl, buf, n); }, limit,
                         "TLS read failed");
  if (!rc)
    return unexpected(rc.error());
  return static_cast<std::size_t>(*rc);
}

} // namespace ivm::admin::detail

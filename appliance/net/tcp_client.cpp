#include "appliance/net/tcp_client.hpp"

#include <array>
#include <deque>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "appliance/net/asio_util.hpp"
#include "appliance/net/io_pool.hpp"
#include "appliance/net/io_pool_impl.hpp"
#include "appliance/net/tls_context.hpp"

namespace ivm::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Everything below runs on `strand`.
struct tcp_client::impl : std::enable_shared_from_this<tcp_client::impl> {
  impl(asio::io_context& ctx, tcp_client_handlers h, std::size_t limit)
    : strand(asio::make_strand(ctx)), sock(strand), timer(strand),
      handlers(std::move(h)), max_queue(limit) {
    // nop
  }

  asio::strand<asio::io_context::executor_type> strand;
  tcp::socket sock;
  asio::steady_timer timer;
  tcp_client_handlers handlers;
  std::size_t max_queue;
  std::array<char, 16384> buf;
  /// TLS: the context and stream over `sock`, the pinned fingerprint.
  std::unique_ptr<asio::ssl::context> ssl_ctx;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
  std::string pin;
  std::deque<std::string> queue;
  std::size_t queued = 0;
  bool open = false;
  bool writing = false;
  bool closed = false;

  void start(const endpoint& remote, std::chrono::milliseconds timeout) {
    boost::system::error_code ec;
    auto ep = detail::to_asio<tcp::endpoint>(remote, ec);
    if (ec) {
      finish("bad address " + to_string(remote));
      return;
    }
    timer.expires_after(timeout);
    timer.async_wait([self = shared_from_this()](boost::system::error_code e) {
      if (!e && !self->open)
        self->finish("timed out connecting");
    });
    sock.async_connect(
        ep, [self = shared_from_this()](boost::system::error_code e) {
          if (self->closed)
            return;
          if (e) {
            self->finish(e.message());
            return;
          }
          boost::system::error_code ignored;
          self->sock.set_option(tcp::no_delay(true), ignored);
          if (self->ssl_ctx)
            self->handshake();
          else
            self->opened();
        });
  }

  void handshake() {
    tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(sock, *ssl_ctx);
    tls->async_handshake(
        asio::ssl::stream_base::client,
        [self = shared_from_this()](boost::system::error_code e) {
          if (self->closed)
            return;
          if (e) {
            self->finish("TLS: " + e.message());
            return;
          }
          auto* cert = SSL_get1_peer_certificate(self->tls->native_handle());
          auto seen = cert ? certificate_fingerprint(cert) : std::string{};
          if (cert)
            X509_free(cert);
          if (seen.empty()) {
            self->finish("TLS: the server sent no certificate");
            return;
          }
          if (!self->pin.empty() && seen != self->pin) {
            self->finish("TLS: the server's certificate " + seen +
                         " is not the pinned " + self->pin);
            return;
          }
          if (self->handlers.on_certificate)
            self->handlers.on_certificate(seen);
          self->opened();
        });
  }

  void opened() {
    timer.cancel();
    open = true;
    if (handlers.on_open)
      handlers.on_open();
    read();
    write();
  }

  void read() {
    auto done = [self = shared_from_this()](boost::system::error_code e,
                                            std::size_t n) {
      if (self->closed)
        return;
      if (e) {
        self->finish(e == asio::error::eof ||
                             e == asio::ssl::error::stream_truncated
                         ? "closed by peer"
                         : e.message());
        return;
      }
      if (self->handlers.on_data)
        self->handlers.on_data(std::string(self->buf.data(), n));
      self->read();
    };
    if (tls)
      tls->async_read_some(asio::buffer(buf), std::move(done));
    else
      sock.async_read_some(asio::buffer(buf), std::move(done));
  }

  void write() {
    if (!open || writing || queue.empty() || closed)
      return;
    writing = true;
    auto done = [self = shared_from_this()](boost::system::error_code e,
                                            std::size_t) {
      self->writing = false;
      if (self->closed)
        return;
      if (e) {
        self->finish(e.message());
        return;
      }
      self->queued -= self->queue.front().size();
      self->queue.pop_front();
      self->write();
    };
    if (tls)
      asio::async_write(*tls, asio::buffer(queue.front()), std::move(done));
    else
      asio::async_write(sock, asio::buffer(queue.front()), std::move(done));
  }

  void finish(std::string reason) {
    if (closed)
      return;
    closed = true;
    boost::system::error_code ignored;
    timer.cancel();
    sock.shutdown(tcp::socket::shutdown_both, ignored);
    sock.close(ignored);
    queue.clear();
    auto on_close = std::move(handlers.on_close);
    handlers = {};
    if (on_close)
      on_close(std::move(reason));
  }
};

std::unique_ptr<tcp_client> tcp_client::connect(
    io_pool& pool, const endpoint& remote, tcp_client_handlers handlers,
    std::chrono::milliseconds timeout, std::size_t max_write_queue,
    std::optional<std::string> tls) {
  auto p = std::make_shared<impl>(pool.impl().ctx, std::move(handlers),
                                  max_write_queue);
  if (tls) {
    // The certificate is checked by its fingerprint (pinned, or reported
    // to be pinned): a PBX's is self-signed or from a private CA.
    p->ssl_ctx =
        std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    p->ssl_ctx->set_options(
        asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
        asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    p->ssl_ctx->set_verify_mode(asio::ssl::verify_none);
    p->pin = std::move(*tls);
  }
  asio::post(p->strand, [p, remote, timeout] { p->start(remote, timeout); });
  return std::unique_ptr<tcp_client>(new tcp_client(std::move(p)));
}

tcp_client::tcp_client(std::shared_ptr<impl> p) : impl_(std::move(p)) {
  // nop
}

tcp_client::~tcp_client() {
  // Nothing is delivered after the owner is gone.
  asio::post(impl_->strand, [p = impl_] {
    p->handlers = {};
    p->finish("closed by us");
  });
}

void tcp_client::send(std::string bytes) {
  asio::post(impl_->strand, [p = impl_, b = std::move(bytes)]() mutable {
    if (p->closed)
      return;
    if (p->queued + b.size() > p->max_queue) {
      p->finish("peer does not read (write queue full)");
      return;
    }
    p->queued += b.size();
    p->queue.push_back(std::move(b));
    p->write();
  });
}

void tcp_client::close() {
  asio::post(impl_->strand, [p = impl_] { p->finish("closed by us"); });
}

} // namespace ivm::net

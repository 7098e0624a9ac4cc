#include "appliance/net/tcp_server.hpp"

#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "appliance/net/asio_util.hpp"
#include "appliance/net/io_pool.hpp"
#include "appliance/net/io_pool_impl.hpp"
#include "appliance/net/tls_context.hpp"
#include "appliance/net/tls_context_impl.hpp"

namespace ivm::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using strand_t = asio::strand<asio::io_context::executor_type>;
using tls_stream = asio::ssl::stream<tcp::socket>;

namespace {

/// Time allowed for a TLS handshake.
constexpr std::chrono::seconds handshake_timeout{10};

struct connection : std::enable_shared_from_this<connection> {
  connection(conn_id i, tcp::socket s, strand_t st, tls_context* tls_ctx)
    : id(i), strand(st), idle(strand) {
    if (tls_ctx)
      tls = std::make_unique<tls_stream>(std::move(s), tls_ctx->native().ctx);
    else
      plain.emplace(std::move(s));
  }
  tcp::socket& lowest() {
    return tls ? tls->next_layer() : *plain;
  }
  template <class Handler>
  void read_some(asio::mutable_buffer b, Handler h) {
    if (tls)
      tls->async_read_some(b, std::move(h));
    else
      plain->async_read_some(b, std::move(h));
  }
  template <class Handler>
  void write(asio::const_buffer b, Handler h) {
    if (tls)
      asio::async_write(*tls, b, std::move(h));
    else
      asio::async_write(*plain, b, std::move(h));
  }
  conn_id id;
  strand_t strand;
  std::optional<tcp::socket> plain;
  std::unique_ptr<tls_stream> tls;
  asio::steady_timer idle;
  endpoint remote;
  std::array<char, 16384> buf;
  std::deque<std::string> queue;
  std::size_t queued_bytes = 0;
  bool writing = false;
  bool closing = false;
  bool closed = false;
};

} // namespace

struct tcp_server::impl : std::enable_shared_from_this<tcp_server::impl> {
  impl(asio::io_context& c, tcp_limits l)
    : ctx(c), strand(asio::make_strand(c)), acceptor(strand), limits(l) {
    // nop
  }

  // All members below are touched on `strand` only, except `count`.
  asio::io_context& ctx;
  strand_t strand;
  tcp::acceptor acceptor;
  tcp_limits limits;
  tcp_handlers handlers;
  std::shared_ptr<tls_context> tls;
  std::unordered_map<conn_id, std::shared_ptr<connection>> conns;
  std::map<std::string, std::size_t> per_source;
  conn_id next_id = 1;
  std::atomic<std::size_t> count{0};

  void accept() {
    auto st = asio::make_strand(ctx);
    acceptor.async_accept(
        st, [self = shared_from_this(), st](boost::system::error_code ec,
                                            tcp::socket sock) {
          if (ec == asio::error::operation_aborted || !self->acceptor.is_open())
            return;
          if (!ec)
            self->admit(std::move(sock), st);
          self->accept();
        });
  }

  void admit(tcp::socket sock, strand_t st) {
    boost::system::error_code ec;
    auto rep = sock.remote_endpoint(ec);
    if (ec)
      return;
    auto remote = detail::from_asio(rep);
    if (conns.size() >= limits.max_connections ||
        per_source[remote.host] >= limits.max_per_source) {
      sock.close(ec);
      return;
    }
    sock.set_option(tcp::no_delay(true), ec);
    auto c =
        std::make_shared<connection>(next_id++, std::move(sock), st, tls.get());
    c->remote = remote;
    ++per_source[remote.host];
    conns.emplace(c->id, c);
    count = conns.size();
    if (handlers.on_open)
      handlers.on_open(c->id, remote);
    asio::post(c->strand, [self = shared_from_this(), c] {
      if (!c->tls) {
        self->arm_idle(c);
        self->read(c);
        return;
      }
      self->arm_idle(c, handshake_timeout);
      c->tls->async_handshake(asio::ssl::stream_base::server,
                              [self, c](boost::system::error_code ec) {
                                if (ec) {
                                  self->shutdown(c, "TLS handshake failed: " +
                                                        ec.message());
                                  return;
                                }
                                self->arm_idle(c);
                                self->read(c);
                              });
    });
  }

  void arm_idle(const std::shared_ptr<connection>& c,
                std::chrono::seconds timeout = std::chrono::seconds{0}) {
    if (timeout.count() == 0)
      timeout = limits.idle_timeout;
    if (timeout.count() == 0) {
      c->idle.cancel();
      return;
    }
    c->idle.expires_after(timeout);
    c->idle.async_wait(
        [self = shared_from_this(), c](boost::system::error_code ec) {
          if (!ec)
            self->shutdown(c, "idle timeout");
        });
  }

  void read(const std::shared_ptr<connection>& c) {
    c->read_some(
        asio::buffer(c->buf), [self = shared_from_this(),
                               c](boost::system::error_code ec, std::size_t n) {
          if (ec) {
            self->shutdown(c, ec == asio::error::eof ? "closed by peer"
                                                     : ec.message());
            return;
          }
          self->arm_idle(c);
          if (self->handlers.on_data)
            self->handlers.on_data(c->id, std::string(c->buf.data(), n));
          self->read(c);
        });
  }

  void write(const std::shared_ptr<connection>& c) {
    if (c->writing || c->queue.empty() || c->closed)
      return;
    c->writing = true;
    c->write(asio::buffer(c->queue.front()),
             [self = shared_from_this(), c](boost::system::error_code ec,
                                            std::size_t) {
               c->writing = false;
               if (ec) {
                 self->shutdown(c, ec.message());
                 return;
               }
               c->queued_bytes -= c->queue.front().size();
               c->queue.pop_front();
               if (c->queue.empty() && c->closing) {
                 self->shutdown(c, "closed by us");
                 return;
               }
               self->write(c);
             });
  }

  // Runs on the connection's strand.
  void shutdown(const std::shared_ptr<connection>& c, std::string reason) {
    if (c->closed)
      return;
    c->closed = true;
    boost::system::error_code ignored;
    c->idle.cancel();
    c->lowest().shutdown(tcp::socket::shutdown_both, ignored);
    c->lowest().close(ignored);
    asio::post(strand, [self = shared_from_this(), c,
                        reason = std::move(reason)]() mutable {
      if (self->conns.erase(c->id) == 0)
        return;
      if (auto i = self->per_source.find(c->remote.host);
          i != self->per_source.end() && --i->second == 0)
        self->per_source.erase(i);
      self->count = self->conns.size();
      if (self->handlers.on_close)
        self->handlers.on_close(c->id, std::move(reason));
    });
  }

  template <class F>
  void with_conn(conn_id id, F f) {
    asio::post(strand, [self = shared_from_this(), id, f = std::move(f)] {
      auto i = self->conns.find(id);
      if (i == self->conns.end())
        return;
      auto c = i->second;
      asio::post(c->strand, [c, f] { f(c); });
    });
  }
};

expected<std::unique_ptr<tcp_server>, std::string>
tcp_server::open(io_pool& pool, const endpoint& local, tcp_limits limits) {
  auto ptr = std::make_shared<impl>(pool.impl().ctx, limits);
  if (auto ec = detail::listen(ptr->acceptor, local))
    return unexpected("tcp " + to_string(local) + ": " + ec.message());
  return std::unique_ptr<tcp_server>(new tcp_server(std::move(ptr)));
}

tcp_server::tcp_server(std::shared_ptr<impl> ptr) : impl_(std::move(ptr)) {
  // nop
}

tcp_server::~tcp_server() {
  close();
}

void tcp_server::enable_tls(std::shared_ptr<tls_context> ctx) {
  asio::post(impl_->strand, [self = impl_, ctx = std::move(ctx)]() mutable {
    self->tls = std::move(ctx);
  });
}

void tcp_server::start(tcp_handlers handlers) {
  asio::post(impl_->strand, [self = impl_, h = std::move(handlers)]() mutable {
    self->handlers = std::move(h);
    if (self->acceptor.is_open())
      self->accept();
  });
}

void tcp_server::send(conn_id id, std::string bytes) {
  impl_->with_conn(id, [self = impl_, bytes = std::move(bytes)](
                           const std::shared_ptr<connection>& c) {
    if (c->closed || c->closing)
      return;
    if (c->queued_bytes + bytes.size() > self->limits.max_write_queue) {
      self->shutdown(c, "peer does not read (write queue full)");
      return;
    }
    c->queued_bytes += bytes.size();
    c->queue.push_back(bytes);
    self->write(c);
  });
}

void tcp_server::close(conn_id id) {
  impl_->with_conn(id, [self = impl_](const std::shared_ptr<connection>& c) {
    c->closing = true;
    if (!c->writing && c->queue.empty())
      self->shutdown(c, "closed by us");
  });
}

endpoint tcp_server::local_endpoint() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? endpoint{} : detail::from_asio(ep);
}

void tcp_server::close() {
  if (!impl_)
    return;
  asio::post(impl_->strand, [self = impl_] {
    boost::system::error_code ignored;
    self->acceptor.close(ignored);
    for (auto& [id, c] : self->conns)
      asio::post(c->strand, [c] {
        boost::system::error_code ign;
        c->closed = true;
        c->idle.cancel();
        c->lowest().close(ign);
      });
    self->conns.clear();
    self->per_source.clear();
    self->count = 0;
  });
}

std::size_t tcp_server::connection_count() const {
  return impl_->count.load();
}

} // namespace ivm::net

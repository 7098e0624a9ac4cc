#include "appliance/net/tcp_client.hpp"

#include <array>
#include <deque>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "appliance/net/asio_util.hpp"
#include "appliance/net/io_pool.hpp"
#include "appliance/net/io_pool_impl.hpp"

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
          self->timer.cancel();
          self->open = true;
          boost::system::error_code ignored;
          self->sock.set_option(tcp::no_delay(true), ignored);
          if (self->handlers.on_open)
            self->handlers.on_open();
          self->read();
          self->write();
        });
  }

  void read() {
    sock.async_read_some(asio::buffer(buf), [self = shared_from_this()](
                                                boost::system::error_code e,
                                                std::size_t n) {
      if (self->closed)
        return;
      if (e) {
        self->finish(e == asio::error::eof ? "closed by peer" : e.message());
        return;
      }
      if (self->handlers.on_data)
        self->handlers.on_data(std::string(self->buf.data(), n));
      self->read();
    });
  }

  void write() {
    if (!open || writing || queue.empty() || closed)
      return;
    writing = true;
    asio::async_write(
        sock, asio::buffer(queue.front()),
        [self = shared_from_this()](boost::system::error_code e, std::size_t) {
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
        });
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
    std::chrono::milliseconds timeout, std::size_t max_write_queue) {
  auto p = std::make_shared<impl>(pool.impl().ctx, std::move(handlers),
                                  max_write_queue);
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

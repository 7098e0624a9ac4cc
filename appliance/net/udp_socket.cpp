#include "appliance/net/udp_socket.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <sys/socket.h>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "appliance/net/asio_util.hpp"
#include "appliance/net/io_pool.hpp"
#include "appliance/net/io_pool_impl.hpp"

namespace ivm::net {

namespace asio = boost::asio;
using udp = asio::ip::udp;

struct udp_socket::impl : std::enable_shared_from_this<udp_socket::impl> {
  explicit impl(asio::io_context& ctx)
    : strand(asio::make_strand(ctx)), socket(strand) {
    // nop
  }

  void receive() {
    socket.async_receive_from(
        asio::buffer(buf), sender,
        [self = shared_from_this()](boost::system::error_code ec,
                                    std::size_t n) {
          if (ec == asio::error::operation_aborted || !self->socket.is_open())
            return;
          if (!ec) {
            ++self->received;
            if (self->handler)
              self->handler(std::string(self->buf.data(), n),
                            detail::from_asio(self->sender));
          }
          // Errors such as ICMP port unreachable (ECONNREFUSED) on a UDP
          // socket concern one peer only: keep receiving.
          self->receive();
        });
  }

  asio::strand<asio::io_context::executor_type> strand;
  udp::socket socket;
  udp::endpoint sender;
  std::array<char, 65536> buf;
  datagram_handler handler;
  /// The descriptor for direct sends from other threads; -1 once closing.
  std::atomic<int> fd{-1};
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> sent{0};
};

expected<std::unique_ptr<udp_socket>, std::string>
udp_socket::open(io_pool& pool, const endpoint& local, std::size_t rcvbuf) {
  auto ptr = std::make_shared<impl>(pool.impl().ctx);
  boost::system::error_code ec;
  auto ep = detail::to_asio<udp::endpoint>(local, ec);
  if (ec)
    return unexpected("udp " + to_string(local) + ": " + ec.message());
  // No SO_REUSEADDR: on UDP it would let a second process share the port.
  ptr->socket.open(ep.protocol(), ec);
  if (!ec)
    ptr->socket.bind(ep, ec);
  if (ec)
    return unexpected("udp " + to_string(local) + ": " + ec.message());
  boost::system::error_code ignored;
  ptr->socket.set_option(
      asio::socket_base::receive_buffer_size(static_cast<int>(rcvbuf)),
      ignored);
  return std::unique_ptr<udp_socket>(new udp_socket(std::move(ptr)));
}

udp_socket::udp_socket(std::shared_ptr<impl> ptr) : impl_(std::move(ptr)) {
  // nop
}

udp_socket::~udp_socket() {
  close();
}

void udp_socket::start(datagram_handler handler) {
  asio::post(impl_->strand, [self = impl_, h = std::move(handler)]() mutable {
    self->handler = std::move(h);
    if (self->socket.is_open())
      self->receive();
  });
}

void udp_socket::send_to(std::string payload, const endpoint& to) {
  boost::system::error_code ec;
  auto dest = detail::to_asio<udp::endpoint>(to, ec);
  if (ec)
    return;
  // Fast path: a non-blocking sendto from the caller's thread. The kernel
  // socket is thread-safe; going through the I/O thread would cost two
  // context switches per datagram. Only a full send buffer takes the
  // asynchronous path.
  if (int fd = impl_->fd.load(); fd >= 0) {
    auto n = ::sendto(fd, payload.data(), payload.size(),
                      MSG_DONTWAIT | MSG_NOSIGNAL, dest.data(), dest.size());
    if (n == static_cast<ssize_t>(payload.size())) {
      ++impl_->sent;
      return;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      return; // e.g. ECONNREFUSED left by an ICMP error: a lost datagram
  }
  auto data = std::make_shared<std::string>(std::move(payload));
  asio::post(impl_->strand, [self = impl_, data, dest] {
    if (!self->socket.is_open())
      return;
    self->socket.async_send_to(
        asio::buffer(*data), dest,
        [self, data](boost::system::error_code err, std::size_t) {
          if (!err)
            ++self->sent;
        });
  });
}

endpoint udp_socket::local_endpoint() const {
  boost::system::error_code ec;
  auto ep = impl_->socket.local_endpoint(ec);
  return ec ? endpoint{} : detail::from_asio(ep);
}

void udp_socket::close() {
  if (!impl_)
    return;
  impl_->fd = -1;
  asio::post(impl_->strand, [self = impl_] {
    boost::system::error_code ignored;
    self->socket.close(ignored);
    self->handler = nullptr;
  });
}

std::uint64_t udp_socket::datagrams_received() const {
  return impl_->received.load();
}

std::uint64_t udp_socket::datagrams_sent() const {
  return impl_->sent.load();
}

} // namespace ivm::net

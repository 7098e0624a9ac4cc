#include "appliance/net/udp_socket.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <vector>

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

  // Waits until the socket is readable, then drains it with recvmmsg(2):
  // one wake-up of the I/O thread takes every datagram queued meanwhile,
  // up to `rounds` batches so other sockets get their turn.
  void receive() {
    socket.async_wait(
        udp::socket::wait_read,
        [self = shared_from_this()](boost::system::error_code ec) {
          if (ec == asio::error::operation_aborted || !self->socket.is_open())
            return;
          if (!ec)
            self->drain();
          self->receive();
        });
  }

  void drain() {
    if (slots.empty())
      slots.resize(batch * slot_size);
    int fd = socket.native_handle();
    for (int round = 0; round < rounds; ++round) {
      std::array<mmsghdr, batch> msgs{};
      std::array<iovec, batch> iov{};
      std::array<sockaddr_storage, batch> from{};
      for (std::size_t i = 0; i < batch; ++i) {
        iov[i].iov_base = slots.data() + i * slot_size;
        iov[i].iov_len = slot_size;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      }
      int n = ::recvmmsg(fd, msgs.data(), batch, MSG_DONTWAIT, nullptr);
      // Errors such as ICMP port unreachable (ECONNREFUSED) on a UDP
      // socket concern one peer only: keep receiving.
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        continue;
      if (n <= 0)
        return;
      for (int i = 0; i < n; ++i) {
        ++received;
        if (!handler)
          continue;
        udp::endpoint sender;
        auto len = msgs[i].msg_hdr.msg_namelen;
        if (len > sender.capacity())
          continue;
        std::memcpy(sender.data(), &from[i], len);
        sender.resize(len);
        handler(std::string(slots.data() + i * slot_size,
                            std::min<std::size_t>(msgs[i].msg_len, slot_size)),
                detail::from_asio(sender));
      }
      if (static_cast<std::size_t>(n) < batch)
        return; // the queue is empty
    }
  }

  static constexpr std::size_t batch = 32;
  static constexpr std::size_t slot_size = 65536;
  static constexpr int rounds = 16;

  asio::strand<asio::io_context::executor_type> strand;
  udp::socket socket;
  /// `batch` receive buffers of `slot_size` bytes (made on first use).
  std::vector<char> slots;
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
  ptr->socket.non_blocking(true, ignored);
  // Other threads send on the descriptor directly (see send_to).
  ptr->fd = ptr->socket.native_handle();
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

#include "appliance/net/dhcp_socket.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <optional>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "appliance/net/io_pool.hpp"
#include "appliance/net/io_pool_impl.hpp"

namespace ivm::net {

namespace asio = boost::asio;
using udp = asio::ip::udp;

expected<interface_ipv4, std::string>
find_interface_ipv4(const std::string& name) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return unexpected(std::string{"getifaddrs: "} + std::strerror(errno));
  std::optional<interface_ipv4> found;
  bool exists = false;
  for (auto* p = list; p != nullptr; p = p->ifa_next) {
    if (p->ifa_name == nullptr || name != p->ifa_name)
      continue;
    exists = true;
    if (found || p->ifa_addr == nullptr || p->ifa_addr->sa_family != AF_INET)
      continue;
    interface_ipv4 x;
    x.address = ntohl(
        reinterpret_cast<const sockaddr_in*>(p->ifa_addr)->sin_addr.s_addr);
    if (p->ifa_netmask != nullptr)
      x.netmask = ntohl(reinterpret_cast<const sockaddr_in*>(p->ifa_netmask)
                            ->sin_addr.s_addr);
    found = x;
  }
  ::freeifaddrs(list);
  if (found)
    return *found;
  return unexpected(exists ? "interface '" + name + "' has no IPv4 address"
                           : "no interface '" + name + "'");
}

struct dhcp_socket::impl : std::enable_shared_from_this<dhcp_socket::impl> {
  explicit impl(asio::io_context& ctx)
    : strand(asio::make_strand(ctx)), socket(strand) {
    // nop
  }

  void wait() {
    socket.async_wait(
        udp::socket::wait_read,
        [self = shared_from_this()](boost::system::error_code ec) {
          if (ec == asio::error::operation_aborted || !self->socket.is_open())
            return;
          self->drain();
          self->wait();
        });
  }

  /// Reads every queued datagram (non-blocking recvmsg with IP_PKTINFO).
  void drain() {
    for (int i = 0; i < 64; ++i) {
      sockaddr_in from{};
      iovec iov{buf.data(), buf.size()};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))];
      msghdr msg{};
      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      auto n = ::recvmsg(socket.native_handle(), &msg, MSG_DONTWAIT);
      if (n < 0)
        return; // EAGAIN, or an error about one peer
      dhcp_datagram d;
      d.payload.assign(buf.data(), static_cast<std::size_t>(n));
      d.source = ntohl(from.sin_addr.s_addr);
      d.source_port = ntohs(from.sin_port);
      for (auto* c = CMSG_FIRSTHDR(&msg); c != nullptr;
           c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
          in_pktinfo info{};
          std::memcpy(&info, CMSG_DATA(c), sizeof info);
          auto dst = ntohl(info.ipi_addr.s_addr);
          d.broadcast = dst == 0xFFFFFFFFu ||
                        (netmask != 0 && (dst & ~netmask) == ~netmask);
        }
      }
      if (handler)
        handler(std::move(d));
    }
  }

  asio::strand<asio::io_context::executor_type> strand;
  udp::socket socket;
  std::array<char, 65536> buf;
  std::function<void(dhcp_datagram)> handler;
  std::string interface;
  std::uint32_t netmask = 0;
  std::atomic<int> fd{-1};
};

expected<std::unique_ptr<dhcp_socket>, std::string>
dhcp_socket::open(io_pool& pool, const std::string& interface,
                  std::uint16_t port) {
  auto where = "udp 0.0.0.0:" + std::to_string(port) + " on " + interface;
  if (interface.empty() || interface.size() >= IFNAMSIZ)
    return unexpected(where + ": bad interface name");
  auto ptr = std::make_shared<impl>(pool.impl().ctx);
  ptr->interface = interface;
  if (auto ip = find_interface_ipv4(interface))
    ptr->netmask = ip->netmask;
  boost::system::error_code ec;
  ptr->socket.open(udp::v4(), ec);
  if (ec)
    return unexpected(where + ": " + ec.message());
  int fd = ptr->socket.native_handle();
  int one = 1;
  auto fail = [&](const char* what) {
    return unexpected(where + ": " + what + ": " + std::strerror(errno));
  };
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                   static_cast<socklen_t>(interface.size() + 1)) != 0)
    return fail("SO_BINDTODEVICE");
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
    return fail("SO_REUSEADDR");
  if (::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0)
    return fail("SO_BROADCAST");
  if (::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) != 0)
    return fail("IP_PKTINFO");
  ptr->socket.bind(udp::endpoint{asio::ip::address_v4::any(), port}, ec);
  if (ec)
    return unexpected(where + ": " + ec.message());
  ptr->socket.non_blocking(true, ec);
  ptr->fd = fd;
  return std::unique_ptr<dhcp_socket>(new dhcp_socket(std::move(ptr)));
}

dhcp_socket::dhcp_socket(std::shared_ptr<impl> ptr) : impl_(std::move(ptr)) {
  // nop
}

dhcp_socket::~dhcp_socket() {
  close();
}

void dhcp_socket::start(std::function<void(dhcp_datagram)> handler) {
  asio::post(impl_->strand, [self = impl_, h = std::move(handler)]() mutable {
    self->handler = std::move(h);
    if (self->socket.is_open())
      self->wait();
  });
}

std::optional<std::string>
dhcp_socket::send(const std::string& payload, dhcp_send_kind kind,
                  std::uint32_t address, std::uint16_t port,
                  const std::array<std::uint8_t, 6>& mac) {
  int fd = impl_->fd.load();
  if (fd < 0)
    return std::string{"socket closed"};
  std::optional<std::string> note;
  if (kind == dhcp_send_kind::link_unicast) {
    arpreq req{};
    auto* pa = reinterpret_cast<sockaddr_in*>(&req.arp_pa);
    pa->sin_family = AF_INET;
    pa->sin_addr.s_addr = htonl(address);
    req.arp_ha.sa_family = ARPHRD_ETHER;
    std::memcpy(req.arp_ha.sa_data, mac.data(), mac.size());
    req.arp_flags = ATF_COM;
    std::strncpy(req.arp_dev, impl_->interface.c_str(), sizeof req.arp_dev - 1);
    if (::ioctl(fd, SIOCSARP, &req) != 0) {
      kind = dhcp_send_kind::broadcast; // as a client expects without ARP
      note = std::string{"SIOCSARP: "} + std::strerror(errno);
    }
  }
  if (kind == dhcp_send_kind::broadcast)
    address = 0xFFFFFFFFu;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(address);
  to.sin_port = htons(port);
  auto n =
      ::sendto(fd, payload.data(), payload.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&to), sizeof to);
  if (n != static_cast<ssize_t>(payload.size()))
    return std::string{"sendto: "} + std::strerror(errno);
  return note ? std::optional<std::string>{"sent by broadcast (" + *note + ")"}
              : std::nullopt;
}

void dhcp_socket::close() {
  if (!impl_)
    return;
  impl_->fd = -1;
  asio::post(impl_->strand, [self = impl_] {
    boost::system::error_code ignored;
    self->socket.close(ignored);
    self->handler = nullptr;
  });
}

const std::string& dhcp_socket::interface() const noexcept {
  return impl_->interface;
}

} // namespace ivm::net

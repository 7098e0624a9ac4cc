#include "appliance/net/dhcp_socket.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ifaddrs.h>
#include <mutex>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <optional>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "appliance/net/arp_cache.hpp"
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

namespace {

constexpr std::size_t burst_max = 32;
constexpr std::size_t slot_size = 4096; // DHCP messages: 300-1500 octets

sockaddr_in to_sockaddr(std::uint32_t address, std::uint16_t port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(address);
  to.sin_port = htons(port);
  return to;
}

} // namespace

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

  bool to_broadcast(const msghdr& msg) const {
    for (auto* c = CMSG_FIRSTHDR(&msg); c != nullptr;
         c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        auto dst = ntohl(info.ipi_addr.s_addr);
        return dst == 0xFFFFFFFFu ||
               (netmask != 0 && (dst & ~netmask) == ~netmask);
      }
    }
    return true;
  }

  /// Reads every queued datagram (recvmmsg with IP_PKTINFO), a burst at a
  /// time, and hands each burst to the handler.
  void drain() {
    if (!handler && !burst)
      return;
    if (slots.empty()) {
      slots.resize(burst_max * slot_size);
      control.resize(burst_max);
      from.resize(burst_max);
      iov.resize(burst_max);
      msgs.resize(burst_max);
      views.reserve(burst_max);
    }
    for (int round = 0; round < 8; ++round) {
      for (std::size_t i = 0; i < burst_max; ++i) {
        iov[i] = iovec{slots.data() + i * slot_size, slot_size};
        auto& h = msgs[i].msg_hdr;
        h = msghdr{};
        h.msg_name = &from[i];
        h.msg_namelen = sizeof(sockaddr_in);
        h.msg_iov = &iov[i];
        h.msg_iovlen = 1;
        h.msg_control = control[i].data();
        h.msg_controllen = control[i].size();
        msgs[i].msg_len = 0;
      }
      auto n =
          ::recvmmsg(socket.native_handle(), msgs.data(),
                     static_cast<unsigned>(burst_max), MSG_DONTWAIT, nullptr);
      if (n <= 0)
        return; // EAGAIN, or an error about one peer
      views.clear();
      for (int i = 0; i < n; ++i) {
        auto& h = msgs[i].msg_hdr;
        dhcp_datagram_view v;
        v.data = slots.data() + static_cast<std::size_t>(i) * slot_size;
        v.size = msgs[i].msg_len;
        v.truncated = (h.msg_flags & MSG_TRUNC) != 0;
        v.source = ntohl(from[i].sin_addr.s_addr);
        v.source_port = ntohs(from[i].sin_port);
        v.broadcast = to_broadcast(h);
        views.push_back(v);
      }
      deliver();
      if (static_cast<std::size_t>(n) < burst_max)
        return;
    }
  }

  void deliver() {
    if (burst) {
      burst(views);
      return;
    }
    for (auto& v : views) {
      dhcp_datagram d;
      d.payload.assign(reinterpret_cast<const char*>(v.data), v.size);
      d.source = v.source;
      d.source_port = v.source_port;
      d.broadcast = v.broadcast;
      handler(std::move(d));
    }
  }

  /// Makes the ARP entry for a link-level unicast reply, unless the cache
  /// says it was made lately; false if the kernel refused (then broadcast).
  bool arp_entry(int fd, std::uint32_t address,
                 const std::array<std::uint8_t, 6>& mac, std::string* why) {
    auto now = arp_cache::clock_type::now();
    std::lock_guard<std::mutex> guard{arp_mtx};
    if (arps.fresh(address, mac, now))
      return true;
    arpreq req{};
    auto* pa = reinterpret_cast<sockaddr_in*>(&req.arp_pa);
    pa->sin_family = AF_INET;
    pa->sin_addr.s_addr = htonl(address);
    req.arp_ha.sa_family = ARPHRD_ETHER;
    std::memcpy(req.arp_ha.sa_data, mac.data(), mac.size());
    req.arp_flags = ATF_COM;
    std::strncpy(req.arp_dev, interface.c_str(), sizeof req.arp_dev - 1);
    if (::ioctl(fd, SIOCSARP, &req) != 0) {
      arps.forget(address);
      if (why != nullptr)
        *why = std::string{"SIOCSARP: "} + std::strerror(errno);
      return false;
    }
    arps.remember(address, mac, now);
    return true;
  }

  asio::strand<asio::io_context::executor_type> strand;
  udp::socket socket;
  std::function<void(dhcp_datagram)> handler;
  burst_handler burst;
  // Receive buffers, used on the strand only.
  std::vector<std::uint8_t> slots;
  std::vector<std::array<char, CMSG_SPACE(sizeof(in_pktinfo))>> control;
  std::vector<sockaddr_in> from;
  std::vector<iovec> iov;
  std::vector<mmsghdr> msgs;
  std::vector<dhcp_datagram_view> views;
  std::string interface;
  std::uint32_t netmask = 0;
  std::atomic<int> fd{-1};
  std::mutex arp_mtx;
  arp_cache arps;
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
  // Room for a few thousand requests while a burst is decided (phones
  // after a power cut); beyond rmem_max only with CAP_NET_ADMIN.
  int rcvbuf = 4 << 20;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
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

void dhcp_socket::start_bursts(burst_handler handler) {
  asio::post(impl_->strand, [self = impl_, h = std::move(handler)]() mutable {
    self->burst = std::move(h);
    if (self->socket.is_open())
      self->wait();
  });
}

std::optional<std::string>
dhcp_socket::send(const std::string& payload, dhcp_send_kind kind,
                  std::uint32_t address, std::uint16_t port,
                  const std::array<std::uint8_t, 6>& mac) {
  std::vector<dhcp_send> one(1);
  one[0].payload.assign(payload.begin(), payload.end());
  one[0].kind = kind;
  one[0].address = address;
  one[0].port = port;
  one[0].mac = mac;
  std::string why;
  if (send_all(one, &why) != 0)
    return why;
  return why.empty()
             ? std::nullopt
             : std::optional<std::string>{"sent by broadcast (" + why + ")"};
}

std::size_t dhcp_socket::send_all(const std::vector<dhcp_send>& xs,
                                  std::string* why) {
  int fd = impl_->fd.load();
  if (fd < 0) {
    if (why != nullptr)
      *why = "socket closed";
    return xs.size();
  }
  std::size_t refused = 0;
  for (std::size_t first = 0; first < xs.size(); first += burst_max) {
    auto n = std::min(burst_max, xs.size() - first);
    std::array<sockaddr_in, burst_max> to;
    std::array<iovec, burst_max> iov;
    std::array<mmsghdr, burst_max> msgs{};
    for (std::size_t i = 0; i < n; ++i) {
      auto& x = xs[first + i];
      auto address = x.address;
      if (x.kind == dhcp_send_kind::broadcast ||
          (x.kind == dhcp_send_kind::link_unicast &&
           !impl_->arp_entry(fd, x.address, x.mac, why)))
        address = 0xFFFFFFFFu; // as a client expects without ARP
      to[i] = to_sockaddr(address, x.port);
      iov[i] =
          iovec{const_cast<std::uint8_t*>(x.payload.data()), x.payload.size()};
      msgs[i].msg_hdr.msg_name = &to[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    std::size_t done = 0;
    while (done < n) {
      auto sent =
          ::sendmmsg(fd, msgs.data() + done, static_cast<unsigned>(n - done),
                     MSG_DONTWAIT | MSG_NOSIGNAL);
      if (sent <= 0) {
        // The first one failed: count it, go on with the rest.
        if (why != nullptr)
          *why = std::string{"sendto: "} + std::strerror(errno);
        ++refused;
        ++done;
        continue;
      }
      done += static_cast<std::size_t>(sent);
    }
  }
  return refused;
}

void dhcp_socket::close() {
  if (!impl_)
    return;
  impl_->fd = -1;
  asio::post(impl_->strand, [self = impl_] {
    boost::system::error_code ignored;
    self->socket.close(ignored);
    self->handler = nullptr;
    self->burst = nullptr;
  });
}

const std::string& dhcp_socket::interface() const noexcept {
  return impl_->interface;
}

} // namespace ivm::net

#pragma once

// The DHCP server's socket (issue 11): UDP 0.0.0.0:67 bound to one
// interface, so that it sees the clients' broadcasts, and the four ways a
// reply leaves (RFC 2131 §4.1). No DHCP knowledge: bytes and addresses.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::net {

class io_pool;

/// An interface's first IPv4 address and its netmask, host byte order.
struct interface_ipv4 {
  std::uint32_t address = 0;
  std::uint32_t netmask = 0;
};

/// The first IPv4 address of interface `name`, or why there is none.
expected<interface_ipv4, std::string>
find_interface_ipv4(const std::string& name);

/// One datagram received on the DHCP port.
struct dhcp_datagram {
  std::string payload;
  std::uint32_t source = 0; ///< IP source, host byte order
  std::uint16_t source_port = 0;
  bool broadcast = true; ///< sent to a broadcast address (IP_PKTINFO)
};

/// One datagram of a burst: a view of the socket's buffer, valid during the
/// handler's call only.
struct dhcp_datagram_view {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::uint32_t source = 0; ///< IP source, host byte order
  std::uint16_t source_port = 0;
  bool broadcast = true;  ///< sent to a broadcast address (IP_PKTINFO)
  bool truncated = false; ///< longer than the buffer (not a DHCP message)
};

/// How to send one reply.
enum class dhcp_send_kind : std::uint8_t {
  to_address,   ///< plain unicast to `address:port` (relay, ciaddr)
  broadcast,    ///< 255.255.255.255:port out of the interface
  link_unicast, ///< ARP entry address -> mac (SIOCSARP), then unicast;
                ///< broadcast if the entry cannot be made
};

/// One reply to send.
struct dhcp_send {
  std::vector<std::uint8_t> payload;
  dhcp_send_kind kind = dhcp_send_kind::broadcast;
  std::uint32_t address = 0; ///< host byte order
  std::uint16_t port = 68;
  std::array<std::uint8_t, 6> mac{};
};

/// A UDP socket on 0.0.0.0:`port` with SO_BINDTODEVICE(interface),
/// SO_BROADCAST, SO_REUSEADDR and IP_PKTINFO. Thread-safe sends.
class dhcp_socket {
public:
  struct impl;

  /// Opens and binds; fails naming the interface and the error (EACCES
  /// without root / CAP_NET_BIND_SERVICE + CAP_NET_RAW).
  static expected<std::unique_ptr<dhcp_socket>, std::string>
  open(io_pool& pool, const std::string& interface, std::uint16_t port = 67);

  ~dhcp_socket();

  /// Starts delivering datagrams (on the I/O thread) to `handler`.
  void start(std::function<void(dhcp_datagram)> handler);

  /// Starts delivering datagrams in bursts (on the I/O thread): every
  /// datagram queued when the socket turns readable, up to 32 per call
  /// (recvmmsg), without copies.
  using burst_handler =
      std::function<void(const std::vector<dhcp_datagram_view>&)>;
  void start_bursts(burst_handler handler);

  /// Sends `payload`. Returns an error text when the kernel refused it.
  std::optional<std::string> send(const std::string& payload,
                                  dhcp_send_kind kind, std::uint32_t address,
                                  std::uint16_t port,
                                  const std::array<std::uint8_t, 6>& mac = {});

  /// Sends every reply of `xs` (sendmmsg; link-level unicast makes an ARP
  /// entry only when the cache has none for that address and MAC). Returns
  /// how many the kernel refused; the first reason in `why`.
  std::size_t send_all(const std::vector<dhcp_send>& xs,
                       std::string* why = nullptr);

  /// Stops receiving and closes the socket.
  void close();

  const std::string& interface() const noexcept;

private:
  explicit dhcp_socket(std::shared_ptr<impl> ptr);
  std::shared_ptr<impl> impl_;
};

} // namespace ivm::net

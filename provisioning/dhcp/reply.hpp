#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "provisioning/dhcp/codec.hpp"
#include "provisioning/dhcp/fwd.hpp"
#include "provisioning/dhcp/packet.hpp"
#include "provisioning/dhcp/server_config.hpp"

namespace ivm::provisioning::dhcp {

inline constexpr std::uint16_t server_port = 67;
inline constexpr std::uint16_t client_port = 68;

/// How a reply leaves the box (RFC 2131 §4.1).
enum class destination_kind : std::uint8_t {
  /// To the relay agent at `address` (giaddr), UDP port 67.
  relay,
  /// To `address` (the client's ciaddr), UDP port 68, normal routing.
  unicast,
  /// To 255.255.255.255:68 out of the interface the request came in on.
  broadcast,
  /// To `address` (yiaddr):68 at hardware address `mac`: the client has no
  /// address yet, so this needs a raw (AF_PACKET) socket or an ARP entry.
  /// A sender that can do neither broadcasts instead.
  link_unicast,
};

/// "relay", ...
std::string_view to_string(destination_kind x);

/// Where one reply goes.
struct destination {
  destination_kind kind = destination_kind::broadcast;
  ipv4_address address = ipv4_address::broadcast();
  std::uint16_t port = client_port;
  mac_address mac;
};

/// A reply ready to send: `serialize(message, max_size)` gives the UDP
/// payload, to be sent from port 67 to `to`.
struct outgoing {
  packet message;
  destination to;
  /// The largest payload the client accepts (option 57, else 548).
  std::size_t max_size = default_max_message_size;

  bytes wire() const {
    return serialize(message, max_size);
  }
};

/// The destination of `reply` to `request` (RFC 2131 §4.1): giaddr set ->
/// the relay; a DHCPNAK -> broadcast; ciaddr set -> unicast to it;
/// broadcast bit -> broadcast; else link-level unicast to yiaddr/chaddr
/// (broadcast when the reply has no yiaddr or chaddr is not Ethernet).
destination reply_destination(const packet& request, const packet& reply);

/// The payload size a client accepts: its option 57 (when >= 576) minus 28
/// octets of IP and UDP headers, else 548.
std::size_t reply_size_limit(const packet& request);

/// The options a server may send, encoded once from its configuration.
class option_catalog {
public:
  explicit option_catalog(const server_config& cfg);

  /// Returns the value of `code` for a client of `vendor_class` (option 60),
  /// or nullptr if not configured.
  const bytes* find(std::uint8_t code, std::string_view vendor_class) const;

private:
  std::vector<option> fixed_;
  std::vector<vendor_option> vendor_;
};

/// The reply's configuration options, in order: those the parameter
/// request list (option 55) asks for, in its order, then those of
/// `always_send`; each once, only if configured.
std::vector<option> select_options(const option_catalog& catalog,
                                   const std::vector<std::uint8_t>& always,
                                   const packet& request);

} // namespace ivm::provisioning::dhcp

#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisioning/dhcp/fwd.hpp"
#include "provisioning/dhcp/ipv4_address.hpp"
#include "provisioning/dhcp/option_codes.hpp"
#include "provisioning/mac_address.hpp"

namespace ivm::provisioning::dhcp {

/// One option with its whole value: instances of the same code in a message
/// are already concatenated (RFC 3396), so `data` may exceed 255 octets.
struct option {
  std::uint8_t code = 0;
  bytes data;

  friend bool operator==(const option& x, const option& y) {
    return x.code == y.code && x.data == y.data;
  }
};

/// A DHCP message (RFC 2131 §2, figure 1) with its options decoded into a
/// list, in the order of their first appearance. Option 52 (overload) is
/// not in the list: `parse` consumes it and `serialize` writes it when it
/// moves options into `file`/`sname`.
struct packet {
  op_code op = op_code::boot_request;
  std::uint8_t htype = 1; ///< 1: Ethernet.
  std::uint8_t hlen = 6;
  std::uint8_t hops = 0;
  std::uint32_t xid = 0;
  std::uint16_t secs = 0;
  std::uint16_t flags = 0;
  ipv4_address ciaddr;
  ipv4_address yiaddr;
  ipv4_address siaddr;
  ipv4_address giaddr;
  std::array<std::uint8_t, 16> chaddr{};
  /// Server host name, up to the first NUL (empty when overloaded).
  std::string sname;
  /// Boot file name, up to the first NUL (empty when overloaded).
  std::string file;
  std::vector<option> options;

  /// The BROADCAST bit of `flags` (RFC 2131 §2, figure 2).
  static constexpr std::uint16_t broadcast_flag = 0x8000;

  // -- options ----------------------------------------------------------------

  /// Returns the option with `code`, or nullptr.
  const option* find(std::uint8_t code) const noexcept;

  /// Replaces or appends the option with `code`.
  void set(std::uint8_t code, bytes data);

  /// Removes the option with `code` (if any).
  void remove(std::uint8_t code);

  /// Option 53 if present, one octet long and 1..8.
  std::optional<message_type> type() const;

  /// A one-address option (50, 54, 1) if present and four octets long.
  std::optional<ipv4_address> address_option(std::uint8_t code) const;

  /// A 32-bit option (51, 58, 59) if present and four octets long.
  std::optional<std::uint32_t> u32_option(std::uint8_t code) const;

  /// A text option (12, 60, 66) as its octets; empty if absent.
  std::string text_option(std::uint8_t code) const;

  // -- header -----------------------------------------------------------------

  /// The client's MAC if `htype` is Ethernet and `hlen` 6.
  std::optional<mac_address> mac() const;

  /// Stores `mac` in chaddr and sets htype/hlen for Ethernet.
  void set_mac(const mac_address& mac);

  bool broadcast() const noexcept {
    return (flags & broadcast_flag) != 0;
  }

  friend bool operator==(const packet& x, const packet& y);

  friend bool operator!=(const packet& x, const packet& y) {
    return !(x == y);
  }
};

} // namespace ivm::provisioning::dhcp

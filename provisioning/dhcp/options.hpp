#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisioning/dhcp/fwd.hpp"
#include "provisioning/dhcp/ipv4_address.hpp"
#include "provisioning/dhcp/packet.hpp"

namespace ivm::provisioning::dhcp {

// -- encoders (values of RFC 2132 options) ------------------------------------

/// One address: options 1, 50, 54.
bytes encode_address(ipv4_address x);

/// A list of addresses: options 3, 6, 42, 150.
bytes encode_addresses(const std::vector<ipv4_address>& xs);

/// A 32-bit number: options 51, 58, 59 (seconds).
bytes encode_u32(std::uint32_t x);

/// A 16-bit number: option 57.
bytes encode_u16(std::uint16_t x);

/// Text without a terminating NUL (RFC 2132 §2): options 12, 56, 60, 66,
/// 160.
bytes encode_text(std::string_view text);

/// SIP servers (option 120, RFC 3361 §3): either addresses or domain names.
struct sip_servers {
  std::vector<ipv4_address> addresses; ///< Encoding byte 1.
  std::vector<std::string> names;      ///< Encoding byte 0 (used if set).

  friend bool operator==(const sip_servers& x, const sip_servers& y) {
    return x.addresses == y.addresses && x.names == y.names;
  }
};

/// Encodes option 120: `enc` 0 and uncompressed RFC 1035 names when `names`
/// is set, else `enc` 1 and the addresses. nullopt if both are empty or a
/// name is not a valid domain name (empty label, label over 63, name over
/// 255 octets).
std::optional<bytes> encode_sip_servers(const sip_servers& x);

/// A domain name in RFC 1035 §3.1 wire form ("a.example" -> 1 a 7 example
/// 0); a trailing dot is accepted. nullopt for invalid names.
std::optional<bytes> encode_dns_name(std::string_view name);

// -- decoders -----------------------------------------------------------------

/// A list of addresses (non-empty, a multiple of 4 octets).
std::optional<std::vector<ipv4_address>> decode_addresses(const bytes& x);

/// A 32-bit number (exactly 4 octets).
std::optional<std::uint32_t> decode_u32(const bytes& x);

/// Option 120; names with compression pointers are rejected.
std::optional<sip_servers> decode_sip_servers(const bytes& x);

/// Sub-options of option 82 (RFC 3046 §2.0: 1 circuit id, 2 remote id),
/// nullopt if a length runs past the end.
std::optional<std::vector<option>> decode_relay_agent_info(const bytes& x);

} // namespace ivm::provisioning::dhcp

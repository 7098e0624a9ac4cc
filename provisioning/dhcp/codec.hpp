#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "provisioning/dhcp/fwd.hpp"
#include "provisioning/dhcp/packet.hpp"

namespace ivm::provisioning::dhcp {

/// Why `parse` rejected a message. A server drops such a datagram silently
/// (RFC 2131 has no error reply); the name goes to the log and metrics.
enum class parse_error : std::uint8_t {
  too_short,        ///< Fewer than 240 octets (fixed header + cookie).
  bad_op,           ///< `op` neither BOOTREQUEST (1) nor BOOTREPLY (2).
  bad_hlen,         ///< `hlen` over 16, the size of `chaddr`.
  bad_magic_cookie, ///< Not 99.130.83.99 (RFC 2131 §3): BOOTP or garbage.
  truncated_option, ///< An option's length runs past the end of its field.
  bad_overload,     ///< Option 52 not one octet of 1, 2 or 3.
};

/// "too_short", ...
std::string_view to_string(parse_error x);

/// Size of the fixed BOOTP header, without the magic cookie.
inline constexpr std::size_t header_size = 236;

/// Smallest DHCP message: the header plus the magic cookie.
inline constexpr std::size_t min_message_size = 240;

/// Largest message every client accepts: 576-octet IP datagram minus IP and
/// UDP headers (RFC 2131 §2: an options field of 312 octets).
inline constexpr std::size_t default_max_message_size = 548;

/// Decodes one UDP payload (RFC 2131 §2, RFC 2132 §2-3, §9.3 overload,
/// RFC 3396 concatenation). Options: pad skipped, END closes a field, a
/// field that ends without END is accepted when its last option is whole
/// (harmless), options in `file` then `sname` when option 52 says so.
/// Every length is checked against the input; nothing is read past `size`.
expected<packet, parse_error> parse(const std::uint8_t* data, std::size_t size);

/// Decodes a payload held as characters.
expected<packet, parse_error> parse(std::string_view data);

/// Encodes `msg`: options longer than 255 octets as several instances
/// (RFC 3396), END last. With `max_size` (the payload size the client
/// accepts) and options that do not fit, options continue into `file` and
/// then `sname` behind option 52 when both are empty; if they still do not
/// fit, everything stays in the options field (the message exceeds
/// `max_size`). `max_size` 0: no limit.
bytes serialize(const packet& msg, std::size_t max_size = 0);

} // namespace ivm::provisioning::dhcp

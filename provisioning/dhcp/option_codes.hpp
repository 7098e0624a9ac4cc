#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ivm::provisioning::dhcp {

/// Option codes this server reads or writes (RFC 2132 unless noted).
namespace codes {

inline constexpr std::uint8_t pad = 0;
inline constexpr std::uint8_t subnet_mask = 1;
inline constexpr std::uint8_t router = 3;
inline constexpr std::uint8_t dns_servers = 6;
inline constexpr std::uint8_t host_name = 12;
inline constexpr std::uint8_t domain_name = 15;
inline constexpr std::uint8_t ntp_servers = 42;
inline constexpr std::uint8_t vendor_specific = 43;
inline constexpr std::uint8_t requested_address = 50;
inline constexpr std::uint8_t lease_time = 51;
inline constexpr std::uint8_t overload = 52;
inline constexpr std::uint8_t message_type = 53;
inline constexpr std::uint8_t server_id = 54;
inline constexpr std::uint8_t parameter_list = 55;
inline constexpr std::uint8_t message = 56;
inline constexpr std::uint8_t max_message_size = 57;
inline constexpr std::uint8_t renewal_time = 58;
inline constexpr std::uint8_t rebinding_time = 59;
inline constexpr std::uint8_t vendor_class = 60;
inline constexpr std::uint8_t client_id = 61;
inline constexpr std::uint8_t tftp_server_name = 66;
inline constexpr std::uint8_t boot_file_name = 67;
inline constexpr std::uint8_t relay_agent_info = 82; ///< RFC 3046
inline constexpr std::uint8_t sip_servers = 120;     ///< RFC 3361
inline constexpr std::uint8_t cisco_tftp = 150;      ///< Cisco TFTP list
inline constexpr std::uint8_t polycom_boot = 160;    ///< Polycom boot server
inline constexpr std::uint8_t end = 255;

} // namespace codes

/// BOOTP `op` field (RFC 2131 §2).
enum class op_code : std::uint8_t {
  boot_request = 1,
  boot_reply = 2,
};

/// DHCP message type, the value of option 53 (RFC 2132 §9.6).
enum class message_type : std::uint8_t {
  discover = 1,
  offer = 2,
  request = 3,
  decline = 4,
  ack = 5,
  nak = 6,
  release = 7,
  inform = 8,
};

/// "DHCPDISCOVER", ... as in RFC 2131.
std::string_view to_string(message_type x);

/// Converts an option 53 value; nullopt outside 1..8.
std::optional<message_type> to_message_type(std::uint8_t value);

} // namespace ivm::provisioning::dhcp

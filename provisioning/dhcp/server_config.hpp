#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "provisioning/dhcp/fwd.hpp"
#include "provisioning/dhcp/ipv4_address.hpp"
#include "provisioning/dhcp/options.hpp"
#include "provisioning/dhcp/packet.hpp"
#include "provisioning/mac_address.hpp"

namespace ivm::provisioning::dhcp {

/// Option 43 data for clients whose option 60 starts with `class_prefix`
/// (the longest matching prefix wins; an empty prefix matches everyone).
struct vendor_option {
  std::string class_prefix;
  bytes data;
};

/// A fixed address for one MAC (inside the subnet, in or out of the pool).
struct reservation {
  mac_address mac;
  ipv4_address address;
};

/// The scope one server hands out: one pool on one subnet, served on the
/// local segment when `server_address` is in that subnet and through relay
/// agents whose giaddr is in it.
struct server_config {
  /// Our address: option 54 and the source of replies.
  ipv4_address server_address;
  ipv4_address pool_first;
  ipv4_address pool_last;
  ipv4_address subnet_mask;              ///< Option 1.
  std::vector<ipv4_address> routers;     ///< Option 3.
  std::vector<ipv4_address> dns;         ///< Option 6.
  std::vector<ipv4_address> ntp;         ///< Option 42.
  std::chrono::seconds lease_time{3600}; ///< Option 51.
  /// Option 58; default half the lease (RFC 2131 §4.4.5).
  std::optional<std::chrono::seconds> renewal_time;
  /// Option 59; default 7/8 of the lease.
  std::optional<std::chrono::seconds> rebinding_time;
  /// How long an offered address stays held for the client.
  std::chrono::seconds offer_hold{30};
  /// How long a declined address stays unusable.
  std::chrono::seconds decline_hold{3600};
  /// `siaddr` of OFFER/ACK (next server, e.g. TFTP); zero: not set.
  ipv4_address next_server;
  std::string tftp_server_name;                 ///< Option 66: host or URL.
  std::vector<ipv4_address> cisco_tftp;         ///< Option 150.
  std::optional<dhcp::sip_servers> sip_servers; ///< Option 120.
  std::string polycom_boot_server;              ///< Option 160: host or URL.
  std::vector<vendor_option> vendor_options;    ///< Option 43 by option 60.
  /// Any other option, sent under the same rules as the above.
  std::vector<option> extra_options;
  /// Options sent even when the parameter request list does not ask.
  std::vector<std::uint8_t> always_send{codes::subnet_mask, codes::router,
                                        codes::dns_servers};
  std::vector<reservation> reservations;
  /// Authoritative for the subnet: DHCPNAK requests for addresses that are
  /// wrong here even without a record of the client. Otherwise silent.
  bool authoritative = true;
};

/// Returns what is wrong with `cfg` ("pool outside the subnet", ...), or
/// nullopt if a server can run with it.
std::optional<std::string> validate(const server_config& cfg);

} // namespace ivm::provisioning::dhcp

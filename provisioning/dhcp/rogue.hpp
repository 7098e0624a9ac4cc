#pragma once

#include <cstdint>
#include <optional>

#include "provisioning/dhcp/ipv4_address.hpp"
#include "provisioning/dhcp/packet.hpp"

namespace ivm::provisioning::dhcp {

/// Returns the address of another DHCP server if `msg` is its reply: a
/// BOOTREPLY carrying DHCPOFFER, DHCPACK or DHCPNAK whose server identifier
/// (option 54; without it, the datagram's `source`) is set and is not
/// `ours`. nullopt for anything else, our own replies included.
std::optional<ipv4_address> rogue_server(const packet& msg, ipv4_address ours,
                                         ipv4_address source = {});

/// A DHCPDISCOVER that provokes an offer from every server on the segment,
/// broadcast flag set so that offers come back broadcast to port 68 (sent
/// from 0.0.0.0:68 to 255.255.255.255:67). Offers to it are compared with
/// `rogue_server`; nothing is ever requested.
packet probe_discover(const mac_address& mac, std::uint32_t xid);

} // namespace ivm::provisioning::dhcp

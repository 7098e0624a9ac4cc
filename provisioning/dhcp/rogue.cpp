#include "provisioning/dhcp/rogue.hpp"

namespace ivm::provisioning::dhcp {

std::optional<ipv4_address> rogue_server(const packet& msg, ipv4_address ours,
                                         ipv4_address source) {
  if (msg.op != op_code::boot_reply)
    return std::nullopt;
  auto type = msg.type();
  if (type != message_type::offer && type != message_type::ack &&
      type != message_type::nak)
    return std::nullopt;
  auto id = msg.address_option(codes::server_id).value_or(source);
  if (id.is_zero() || id == ours)
    return std::nullopt;
  return id;
}

packet probe_discover(const mac_address& mac, std::uint32_t xid) {
  packet msg;
  msg.op = op_code::boot_request;
  msg.set_mac(mac);
  msg.xid = xid;
  msg.flags = packet::broadcast_flag;
  msg.options.push_back(
      option{codes::message_type,
             bytes{static_cast<std::uint8_t>(message_type::discover)}});
  msg.options.push_back(
      option{codes::parameter_list,
             bytes{codes::subnet_mask, codes::router, codes::dns_servers}});
  return msg;
}

} // namespace ivm::provisioning::dhcp

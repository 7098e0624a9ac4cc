#include "provisioning/dhcp/server_config.hpp"

#include <unordered_set>

namespace ivm::provisioning::dhcp {

std::optional<std::string> validate(const server_config& cfg) {
  auto mask = cfg.subnet_mask;
  if (mask.is_zero() || !is_netmask(mask) || mask == ipv4_address::broadcast())
    return "subnet mask is not a netmask of a usable subnet";
  if (cfg.server_address.is_zero())
    return "server address missing";
  if (cfg.pool_first.is_zero() || cfg.pool_last < cfg.pool_first)
    return "pool range empty or reversed";
  if (!cfg.pool_first.same_subnet(cfg.pool_last, mask))
    return "pool range spans several subnets";
  auto net = cfg.pool_first.value() & mask.value();
  auto bcast = net | ~mask.value();
  if (cfg.pool_first.value() == net || cfg.pool_last.value() == bcast)
    return "pool includes the network or broadcast address";
  if (cfg.lease_time.count() < 60 || cfg.lease_time.count() > 0xFFFFFFFE)
    return "lease time out of range (60 s .. 2^32-2 s)";
  auto t1 = cfg.renewal_time.value_or(cfg.lease_time / 2);
  auto t2 = cfg.rebinding_time.value_or(cfg.lease_time * 7 / 8);
  if (t1.count() <= 0 || t1 > t2 || t2 > cfg.lease_time)
    return "renewal/rebinding times must satisfy 0 < T1 <= T2 <= lease";
  if (cfg.offer_hold.count() <= 0 || cfg.decline_hold.count() <= 0)
    return "offer and decline holds must be positive";
  if (cfg.sip_servers && !encode_sip_servers(*cfg.sip_servers))
    return "SIP servers (option 120): invalid name or empty list";
  if (cfg.tftp_server_name.size() > 255 || cfg.polycom_boot_server.size() > 255)
    return "option 66/160 text longer than 255 octets";
  std::unordered_set<std::uint32_t> addresses;
  std::unordered_set<std::string> macs;
  for (auto& r : cfg.reservations) {
    if (!r.address.same_subnet(cfg.pool_first, mask) ||
        r.address.value() == net || r.address.value() == bcast)
      return "reservation " + r.address.to_string() + " outside the subnet";
    if (r.address == cfg.server_address)
      return "reservation " + r.address.to_string() + " is the server";
    if (!addresses.insert(r.address.value()).second)
      return "address " + r.address.to_string() + " reserved twice";
    if (!macs.insert(r.mac.to_string()).second)
      return "MAC " + r.mac.to_string() + " reserved twice";
  }
  for (auto& x : cfg.extra_options)
    if (x.code == codes::pad || x.code == codes::end ||
        x.code == codes::overload || x.code == codes::message_type ||
        x.code == codes::server_id || x.code == codes::relay_agent_info ||
        x.code == codes::lease_time || x.code == codes::renewal_time ||
        x.code == codes::rebinding_time || x.data.empty())
      return "option " + std::to_string(x.code) +
             " cannot be configured (written by the server, or empty)";
  return std::nullopt;
}

} // namespace ivm::provisioning::dhcp

#include "provisioning/dhcp/reply.hpp"

#include <algorithm>

#include "provisioning/dhcp/options.hpp"

namespace ivm::provisioning::dhcp {

std::string_view to_string(destination_kind x) {
  switch (x) {
    case destination_kind::relay:
      return "relay";
    case destination_kind::unicast:
      return "unicast";
    case destination_kind::broadcast:
      return "broadcast";
    case destination_kind::link_unicast:
      return "link_unicast";
  }
  return "unknown";
}

destination reply_destination(const packet& request, const packet& reply) {
  destination to;
  if (!request.giaddr.is_zero()) {
    to.kind = destination_kind::relay;
    to.address = request.giaddr;
    to.port = server_port;
    return to;
  }
  auto type = reply.type();
  if (type == message_type::nak)
    return to;
  if (!request.ciaddr.is_zero()) {
    to.kind = destination_kind::unicast;
    to.address = request.ciaddr;
    return to;
  }
  if (request.broadcast())
    return to;
  auto mac = request.mac();
  if (!mac || reply.yiaddr.is_zero())
    return to;
  to.kind = destination_kind::link_unicast;
  to.address = reply.yiaddr;
  to.mac = *mac;
  return to;
}

std::size_t reply_size_limit(const packet& request) {
  auto x = request.find(codes::max_message_size);
  if (x == nullptr || x->data.size() != 2)
    return default_max_message_size;
  std::size_t value = (std::size_t{x->data[0]} << 8) | x->data[1];
  if (value < 576)
    return default_max_message_size;
  return std::min<std::size_t>(value - 28, 65507);
}

option_catalog::option_catalog(const server_config& cfg)
  : vendor_(cfg.vendor_options) {
  auto add = [this](std::uint8_t code, bytes data) {
    if (!data.empty())
      fixed_.push_back(option{code, std::move(data)});
  };
  add(codes::subnet_mask, encode_address(cfg.subnet_mask));
  add(codes::router, encode_addresses(cfg.routers));
  add(codes::dns_servers, encode_addresses(cfg.dns));
  add(codes::ntp_servers, encode_addresses(cfg.ntp));
  add(codes::tftp_server_name, encode_text(cfg.tftp_server_name));
  add(codes::cisco_tftp, encode_addresses(cfg.cisco_tftp));
  if (cfg.sip_servers)
    if (auto x = encode_sip_servers(*cfg.sip_servers))
      add(codes::sip_servers, std::move(*x));
  add(codes::polycom_boot, encode_text(cfg.polycom_boot_server));
  for (auto& x : cfg.extra_options)
    if (std::none_of(fixed_.begin(), fixed_.end(),
                     [&x](const option& y) { return y.code == x.code; }))
      fixed_.push_back(x);
  // Longest prefix first, so that the first match is the best.
  std::stable_sort(vendor_.begin(), vendor_.end(),
                   [](const vendor_option& x, const vendor_option& y) {
                     return x.class_prefix.size() > y.class_prefix.size();
                   });
}

const bytes* option_catalog::find(std::uint8_t code,
                                  std::string_view vendor_class) const {
  if (code == codes::vendor_specific) {
    for (auto& x : vendor_)
      if (vendor_class.substr(0, x.class_prefix.size()) == x.class_prefix)
        return x.data.empty() ? nullptr : &x.data;
  }
  for (auto& x : fixed_)
    if (x.code == code)
      return &x.data;
  return nullptr;
}

std::vector<option> select_options(const option_catalog& catalog,
                                   const std::vector<std::uint8_t>& always,
                                   const packet& request) {
  std::vector<option> result;
  auto vendor_class = request.text_option(codes::vendor_class);
  bool chosen[256] = {};
  // Written by the server itself, never from the catalog.
  for (auto code :
       {codes::pad, codes::end, codes::overload, codes::message_type,
        codes::server_id, codes::lease_time, codes::renewal_time,
        codes::rebinding_time, codes::relay_agent_info})
    chosen[code] = true;
  auto consider = [&](std::uint8_t code) {
    if (chosen[code])
      return;
    chosen[code] = true;
    if (auto data = catalog.find(code, vendor_class))
      result.push_back(option{code, *data});
  };
  if (auto prl = request.find(codes::parameter_list))
    for (auto code : prl->data)
      consider(code);
  for (auto code : always)
    consider(code);
  return result;
}

} // namespace ivm::provisioning::dhcp

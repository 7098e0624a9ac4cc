#pragma once

// Shared by the DHCP tests: a scope on TEST-NET-1 (RFC 5737), client
// message builders and a fixed clock.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "provisioning/dhcp/codec.hpp"
#include "provisioning/dhcp/options.hpp"
#include "provisioning/dhcp/packet.hpp"
#include "provisioning/dhcp/server.hpp"
#include "provisioning/dhcp/server_config.hpp"

namespace ivm::provisioning::dhcp::test {

inline ipv4_address ip(const char* text) {
  return *ipv4_address::parse(text);
}

inline mac_address mac(std::uint8_t last) {
  return mac_address{{0x00, 0x04, 0xf2, 0x00, 0x00, last}};
}

/// 2026-12-01 00:00:00 UTC.
inline time_point t0() {
  return time_point{std::chrono::seconds{1796083200}};
}

inline std::chrono::seconds secs(long n) {
  return std::chrono::seconds{n};
}

/// Server 192.0.2.1, pool 192.0.2.100-192.0.2.109 on 192.0.2.0/24.
inline server_config scope() {
  server_config cfg;
  cfg.server_address = ip("192.0.2.1");
  cfg.pool_first = ip("192.0.2.100");
  cfg.pool_last = ip("192.0.2.109");
  cfg.subnet_mask = ip("255.255.255.0");
  cfg.routers = {ip("192.0.2.254")};
  cfg.dns = {ip("192.0.2.1"), ip("192.0.2.2")};
  cfg.ntp = {ip("192.0.2.1")};
  cfg.lease_time = secs(3600);
  cfg.tftp_server_name = "http://192.0.2.1/prov/";
  cfg.cisco_tftp = {ip("192.0.2.1")};
  cfg.sip_servers = sip_servers{{}, {"pbx.example.com"}};
  cfg.polycom_boot_server = "tftp://192.0.2.1";
  cfg.vendor_options = {
      {"Polycom", {1, 2, 3}}, {"Polycom-VVX", {4, 5}}, {"yealink", {6}}};
  return cfg;
}

inline server make_server(const server_config& cfg = scope()) {
  auto s = server::make(cfg);
  if (!s)
    throw std::runtime_error(s.error());
  return std::move(*s);
}

/// A client message from `who` with `xid` 0x1234 and options in order.
inline packet client(message_type type, const mac_address& who,
                     std::initializer_list<option> opts = {}) {
  packet msg;
  msg.op = op_code::boot_request;
  msg.set_mac(who);
  msg.xid = 0x1234;
  msg.options.push_back(
      option{codes::message_type, bytes{static_cast<std::uint8_t>(type)}});
  for (auto& x : opts)
    msg.options.push_back(x);
  return msg;
}

inline option server_id(const char* text) {
  return option{codes::server_id, encode_address(ip(text))};
}

inline option requested(const char* text) {
  return option{codes::requested_address, encode_address(ip(text))};
}

inline option prl(std::initializer_list<std::uint8_t> xs) {
  return option{codes::parameter_list, bytes(xs)};
}

/// The codes of `msg`'s options, in order.
inline std::vector<int> codes_of(const packet& msg) {
  std::vector<int> out;
  for (auto& x : msg.options)
    out.push_back(x.code);
  return out;
}

/// A datagram from a client without an address, broadcast.
inline net_info from_client() {
  return {};
}

/// DISCOVER then REQUEST (SELECTING) at `now`; returns the last result.
inline result dora(server& srv, const mac_address& who, time_point now) {
  auto offer =
      srv.handle(client(message_type::discover, who), from_client(), now);
  if (!offer.reply)
    return offer;
  auto req = client(
      message_type::request, who,
      {option{codes::server_id, encode_address(srv.config().server_address)},
       option{codes::requested_address,
              encode_address(offer.reply->message.yiaddr)}});
  return srv.handle(req, from_client(), now);
}

} // namespace ivm::provisioning::dhcp::test

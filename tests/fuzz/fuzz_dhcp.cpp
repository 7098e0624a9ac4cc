// Fuzzes the DHCP codec and server (provisioning/dhcp). What parses must
// write back to octets that parse to the same packet (also when squeezed
// into 548 octets with option overload), and writing again gives the same
// octets. Every input is also handled by a small server three times, half
// a lease apart: replies must parse, and no MAC may end up bound to two
// addresses.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "provisioning/dhcp/codec.hpp"
#include "provisioning/dhcp/server.hpp"

namespace dhcp = ivm::provisioning::dhcp;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

dhcp::ipv4_address ip(std::uint8_t a, std::uint8_t b, std::uint8_t c,
                      std::uint8_t d) {
  return dhcp::ipv4_address::from_octets(a, b, c, d);
}

const dhcp::server_config& config() {
  static const dhcp::server_config cfg = [] {
    dhcp::server_config x;
    x.server_address = ip(192, 0, 2, 1);
    x.pool_first = ip(192, 0, 2, 100);
    x.pool_last = ip(192, 0, 2, 101);
    x.subnet_mask = ip(255, 255, 255, 0);
    x.routers = {ip(192, 0, 2, 254)};
    x.dns = {ip(192, 0, 2, 1)};
    x.tftp_server_name = "http://192.0.2.1/prov/";
    x.cisco_tftp = {ip(192, 0, 2, 1)};
    x.sip_servers = dhcp::sip_servers{{ip(192, 0, 2, 1)}, {}};
    x.vendor_options = {{"Polycom", {1, 2, 3}}};
    x.always_send = {1, 3, 6, 66, 150};
    x.reservations = {{ivm::provisioning::mac_address{{0, 4, 0xf2, 0, 0, 1}},
                       ip(192, 0, 2, 50)}};
    return x;
  }();
  return cfg;
}

void codec(const uint8_t* data, size_t size) {
  auto msg = dhcp::parse(data, size);
  if (!msg)
    return;
  auto wire = dhcp::serialize(*msg);
  auto again = dhcp::parse(wire.data(), wire.size());
  check(again.has_value());
  check(*again == *msg);
  check(dhcp::serialize(*again) == wire);
  auto small = dhcp::serialize(*msg, dhcp::default_max_message_size);
  auto squeezed = dhcp::parse(small.data(), small.size());
  check(squeezed.has_value());
  check(*squeezed == *msg);
}

void serve(const uint8_t* data, size_t size) {
  auto srv = dhcp::server::make(config());
  check(srv.has_value());
  auto now = dhcp::time_point{std::chrono::seconds{1796083200}};
  for (int i = 0; i < 3; ++i) {
    auto res = srv->handle(data, size, dhcp::net_info{}, now);
    if (res.reply) {
      auto wire = res.reply->wire();
      auto back = dhcp::parse(wire.data(), wire.size());
      check(back.has_value());
      check(back->op == dhcp::op_code::boot_reply);
      check(back->type().has_value());
    }
    now += std::chrono::seconds{1800};
  }
  std::set<std::string> macs;
  for (auto& rec : srv->pool().snapshot())
    if (dhcp::current_state(rec, now) == dhcp::lease_state::bound)
      check(macs.insert(rec.mac.to_string()).second);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  codec(data, size);
  serve(data, size);
  return 0;
}

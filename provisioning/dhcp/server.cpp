#include "provisioning/dhcp/server.hpp"

#include "provisioning/dhcp/options.hpp"
#include "provisioning/dhcp/rogue.hpp"

namespace ivm::provisioning::dhcp {

namespace {

std::uint32_t seconds_of(std::chrono::seconds x) {
  return static_cast<std::uint32_t>(x.count());
}

observation observe(const packet& in, const mac_address& mac,
                    message_type type) {
  observation x;
  x.mac = mac;
  x.type = type;
  x.vendor_class = in.text_option(codes::vendor_class);
  x.host_name = in.text_option(codes::host_name);
  if (auto prl = in.find(codes::parameter_list))
    x.parameter_list = prl->data;
  if (auto id = in.find(codes::client_id))
    x.client_id = id->data;
  x.requested =
      in.address_option(codes::requested_address).value_or(ipv4_address{});
  x.ciaddr = in.ciaddr;
  x.giaddr = in.giaddr;
  return x;
}

void decide(result& out, outcome what, std::string_view reason) {
  out.what = what;
  out.reason = reason;
}

} // namespace

std::string_view to_string(outcome x) {
  constexpr std::string_view names[] = {
      "offered",  "acked",    "naked",        "informed",
      "released", "declined", "forgot_offer", "no_address",
      "silent",   "ignored",  "rogue_reply",  "malformed"};
  auto i = static_cast<std::size_t>(x);
  return i < std::size(names) ? names[i] : "unknown";
}

expected<server, std::string> server::make(server_config cfg) {
  if (auto error = validate(cfg))
    return unexpected(std::move(*error));
  return server{std::move(cfg)};
}

server::server(server_config cfg)
  : cfg_(std::move(cfg)), pool_(cfg_), catalog_(cfg_) {
  // nop
}

std::size_t server::load(const std::vector<lease>& leases) {
  return pool_.load(leases);
}

result server::handle(const std::uint8_t* data, std::size_t size,
                      const net_info& net, time_point now) {
  auto msg = parse(data, size);
  if (!msg) {
    result out;
    decide(out, outcome::malformed, to_string(msg.error()));
    out.error = msg.error();
    return out;
  }
  return handle(*msg, net, now);
}

bool server::serves_segment(const packet& in) const {
  // One pool: on the local segment if we have an address in its subnet,
  // behind relays whose giaddr is in it.
  return pool_.in_subnet(in.giaddr.is_zero() ? cfg_.server_address : in.giaddr);
}

result server::handle(const packet& in, const net_info& net, time_point now) {
  result out;
  if (in.op == op_code::boot_reply) {
    out.rogue_server = rogue_server(in, cfg_.server_address, net.source);
    if (out.rogue_server)
      decide(out, outcome::rogue_reply, "reply from another DHCP server");
    else
      decide(out, outcome::ignored, "BOOTREPLY");
    return out;
  }
  auto type = in.type();
  if (!type) {
    decide(out, outcome::ignored, "no valid message type (option 53)");
    return out;
  }
  auto mac = in.mac();
  if (mac)
    out.seen = observe(in, *mac, *type);
  if (!serves_segment(in)) {
    decide(out, outcome::ignored, "segment not served (giaddr)");
    return out;
  }
  if (*type == message_type::inform) {
    on_inform(in, net, out);
    return out;
  }
  if (!mac) {
    decide(out, outcome::ignored, "hardware address not Ethernet");
    return out;
  }
  switch (*type) {
    case message_type::discover:
      on_discover(in, *mac, now, out);
      break;
    case message_type::request:
      on_request(in, *mac, now, out);
      break;
    case message_type::release:
      on_release(in, *mac, now, out);
      break;
    case message_type::decline:
      on_decline(in, *mac, now, out);
      break;
    default:
      decide(out, outcome::ignored, "server message type from a client");
      break;
  }
  return out;
}

// -- messages -----------------------------------------------------------------

void server::on_discover(const packet& in, const mac_address& mac,
                         time_point now, result& out) {
  auto requested = in.address_option(codes::requested_address);
  auto address = pool_.choose(mac, requested, now);
  if (!address || !pool_.offer(mac, *address, now)) {
    decide(out, outcome::no_address,
           pool_.reserved_for(mac) ? "reserved address held by another client"
                                   : "pool exhausted");
    return;
  }
  auto msg = make_reply(in, message_type::offer);
  msg.yiaddr = *address;
  msg.siaddr = cfg_.next_server;
  add_options(in, msg, true);
  reply(in, std::move(msg), out);
  decide(out, outcome::offered, "offer");
}

void server::on_request(const packet& in, const mac_address& mac,
                        time_point now, result& out) {
  auto server_id = in.address_option(codes::server_id);
  auto requested = in.address_option(codes::requested_address);
  if (in.find(codes::server_id) != nullptr) {
    // SELECTING (RFC 2131 §4.3.2).
    if (server_id != cfg_.server_address) {
      pool_.forget(mac, now);
      decide(out, outcome::forgot_offer, "client chose another server");
      return;
    }
    auto address = requested.value_or(in.ciaddr);
    if (address.is_zero()) {
      decide(out, outcome::ignored, "DHCPREQUEST without an address");
      return;
    }
    ack_or_nak(in, mac, address, now, out);
    return;
  }
  if (in.ciaddr.is_zero() && requested) {
    on_init_reboot(in, mac, *requested, now, out);
    return;
  }
  if (!in.ciaddr.is_zero()) {
    on_renew(in, mac, now, out);
    return;
  }
  decide(out, outcome::ignored, "DHCPREQUEST in no known client state");
}

void server::on_init_reboot(const packet& in, const mac_address& mac,
                            ipv4_address requested, time_point now,
                            result& out) {
  auto known = pool_.find(mac);
  bool authoritative = cfg_.authoritative || known != nullptr;
  if (!pool_.in_subnet(requested)) {
    if (authoritative)
      nak(in, "requested address on the wrong network", out);
    else
      decide(out, outcome::silent, "wrong network, not authoritative");
    return;
  }
  if (known != nullptr && known->address == requested) {
    ack_or_nak(in, mac, requested, now, out);
    return;
  }
  auto state = known ? current_state(*known, now) : lease_state::expired;
  bool holds_other =
      state == lease_state::offered || state == lease_state::bound;
  if (!pool_.assignable(mac, requested, now) || holds_other) {
    if (authoritative)
      nak(in, "requested address not the client's", out);
    else
      decide(out, outcome::silent, "not the client's, not authoritative");
    return;
  }
  // RFC 2131 §4.3.2: no record of this client -> remain silent.
  decide(out, outcome::silent, "INIT-REBOOT of a client without a record");
}

void server::on_renew(const packet& in, const mac_address& mac, time_point now,
                      result& out) {
  // RENEWING (unicast) and REBINDING (broadcast): both extend the lease.
  auto known = pool_.find(mac);
  bool ours = known != nullptr && known->address == in.ciaddr;
  if (ours || cfg_.authoritative) {
    ack_or_nak(in, mac, in.ciaddr, now, out);
    return;
  }
  decide(out, outcome::silent, "renewal of an unknown lease");
}

void server::on_release(const packet& in, const mac_address& mac,
                        time_point now, result& out) {
  auto server_id = in.address_option(codes::server_id);
  if (server_id && *server_id != cfg_.server_address) {
    decide(out, outcome::ignored, "DHCPRELEASE for another server");
    return;
  }
  if (auto rec = pool_.release(mac, in.ciaddr, now)) {
    out.changes.push_back(*rec);
    decide(out, outcome::released, "lease released");
    return;
  }
  decide(out, outcome::ignored, "DHCPRELEASE of no lease of this client");
}

void server::on_decline(const packet& in, const mac_address& mac,
                        time_point now, result& out) {
  auto server_id = in.address_option(codes::server_id);
  if (server_id && *server_id != cfg_.server_address) {
    decide(out, outcome::ignored, "DHCPDECLINE for another server");
    return;
  }
  auto address = in.address_option(codes::requested_address);
  if (!address) {
    decide(out, outcome::ignored, "DHCPDECLINE without option 50");
    return;
  }
  if (auto rec = pool_.decline(mac, *address, now)) {
    out.changes.push_back(*rec);
    decide(out, outcome::declined, "address declined: quarantined");
    return;
  }
  decide(out, outcome::ignored, "DHCPDECLINE of no lease of this client");
}

void server::on_inform(const packet& in, const net_info& net, result& out) {
  auto client = in.ciaddr.is_zero() ? net.source : in.ciaddr;
  if (!client.is_zero() && !pool_.in_subnet(client)) {
    decide(out, outcome::ignored, "DHCPINFORM from outside the subnet");
    return;
  }
  auto msg = make_reply(in, message_type::ack);
  msg.ciaddr = in.ciaddr;
  add_options(in, msg, false);
  reply(in, std::move(msg), out);
  // RFC 2131 §4.3.5: straight to the client's address.
  if (out.reply->to.kind != destination_kind::relay && !client.is_zero()) {
    out.reply->to.kind = destination_kind::unicast;
    out.reply->to.address = client;
  }
  decide(out, outcome::informed, "inform");
}

// -- replies ------------------------------------------------------------------

void server::ack_or_nak(const packet& in, const mac_address& mac,
                        ipv4_address address, time_point now, result& out) {
  auto changes = pool_.bind(mac, address, now);
  if (changes.empty()) {
    nak(in, "requested address not available", out);
    return;
  }
  out.changes = std::move(changes);
  auto msg = make_reply(in, message_type::ack);
  msg.ciaddr = in.ciaddr;
  msg.yiaddr = address;
  msg.siaddr = cfg_.next_server;
  add_options(in, msg, true);
  reply(in, std::move(msg), out);
  decide(out, outcome::acked, "lease bound");
}

packet server::make_reply(const packet& in, message_type type) const {
  packet msg;
  msg.op = op_code::boot_reply;
  msg.htype = in.htype;
  msg.hlen = in.hlen;
  msg.xid = in.xid;
  msg.flags = in.flags;
  msg.giaddr = in.giaddr;
  msg.chaddr = in.chaddr;
  msg.options.push_back(
      option{codes::message_type, bytes{static_cast<std::uint8_t>(type)}});
  msg.options.push_back(
      option{codes::server_id, encode_address(cfg_.server_address)});
  return msg;
}

void server::add_options(const packet& in, packet& msg,
                         bool lease_fields) const {
  if (lease_fields) {
    auto t1 = cfg_.renewal_time.value_or(cfg_.lease_time / 2);
    auto t2 = cfg_.rebinding_time.value_or(cfg_.lease_time * 7 / 8);
    msg.options.push_back(
        option{codes::lease_time, encode_u32(seconds_of(cfg_.lease_time))});
    msg.options.push_back(
        option{codes::renewal_time, encode_u32(seconds_of(t1))});
    msg.options.push_back(
        option{codes::rebinding_time, encode_u32(seconds_of(t2))});
  }
  for (auto& x : select_options(catalog_, cfg_.always_send, in))
    msg.options.push_back(std::move(x));
  // RFC 3046 §2.2: echo the relay agent information, last.
  if (auto info = in.find(codes::relay_agent_info))
    msg.options.push_back(*info);
}

void server::reply(const packet& in, packet msg, result& out) const {
  auto to = reply_destination(in, msg);
  out.reply = outgoing{std::move(msg), to, reply_size_limit(in)};
}

void server::nak(const packet& in, std::string_view reason, result& out) const {
  auto msg = make_reply(in, message_type::nak);
  msg.options.push_back(option{codes::message, encode_text(reason)});
  if (auto info = in.find(codes::relay_agent_info))
    msg.options.push_back(*info);
  // RFC 2131 §4.3.2: through a relay, with the broadcast bit set.
  if (!in.giaddr.is_zero())
    msg.flags |= packet::broadcast_flag;
  reply(in, std::move(msg), out);
  decide(out, outcome::naked, reason);
}

} // namespace ivm::provisioning::dhcp

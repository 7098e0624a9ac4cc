// The server's decisions for DISCOVER/REQUEST (RFC 2131 §4.3.1-4.3.2),
// options (RFC 2132, §4.3.1's parameter request list), relays (§4.1,
// RFC 3046) and another server on the segment.

#include <gtest/gtest.h>

#include "dhcp_test_util.hpp"
#include "provisioning/dhcp/rogue.hpp"

namespace dhcp = ivm::provisioning::dhcp;
using namespace dhcp::test;
using dhcp::bytes;
using dhcp::destination_kind;
using dhcp::message_type;
using dhcp::outcome;

TEST(dhcp_server, discover_gets_an_offer_with_lease_fields) {
  auto srv = make_server();
  auto in = client(message_type::discover, mac(1),
                   {{60, dhcp::encode_text("Polycom-VVX-410")},
                    {12, dhcp::encode_text("phone-1")},
                    prl({1, 3, 6, 42, 66, 150, 120, 160, 43, 15})});
  in.secs = 9;
  auto res = srv.handle(in, from_client(), t0());
  EXPECT_EQ(res.what, outcome::offered);
  ASSERT_TRUE(res.reply);
  auto& msg = res.reply->message;
  EXPECT_EQ(msg.op, dhcp::op_code::boot_reply);
  EXPECT_EQ(msg.type(), message_type::offer);
  EXPECT_EQ(msg.xid, 0x1234u);
  EXPECT_EQ(msg.secs, 0);
  EXPECT_EQ(msg.yiaddr, ip("192.0.2.100"));
  EXPECT_EQ(msg.ciaddr, ip("0.0.0.0"));
  EXPECT_EQ(msg.mac(), mac(1));
  // 53, 54, lease times, then what the list asks in its order (15 is not
  // configured), nothing else.
  EXPECT_EQ(codes_of(msg), (std::vector<int>{53, 54, 51, 58, 59, 1, 3, 6, 42,
                                             66, 150, 120, 160, 43}));
  EXPECT_EQ(msg.address_option(54), ip("192.0.2.1"));
  EXPECT_EQ(msg.u32_option(51), 3600u);
  EXPECT_EQ(msg.u32_option(58), 1800u);
  EXPECT_EQ(msg.u32_option(59), 3150u);
  EXPECT_EQ(msg.text_option(66), "http://192.0.2.1/prov/");
  EXPECT_EQ(msg.find(150)->data, (bytes{192, 0, 2, 1}));
  EXPECT_EQ(msg.find(120)->data[0], 0); // names (RFC 3361 enc 0)
  EXPECT_EQ(msg.text_option(160), "tftp://192.0.2.1");
  EXPECT_EQ(msg.find(43)->data, (bytes{4, 5})); // longest prefix
  // An offer changes nothing durable.
  EXPECT_TRUE(res.changes.empty());
  ASSERT_TRUE(res.seen);
  EXPECT_EQ(res.seen->vendor_class, "Polycom-VVX-410");
  EXPECT_EQ(res.seen->host_name, "phone-1");
  EXPECT_EQ(res.seen->parameter_list.size(), 10u);
  // The reply fits a minimal client and survives the wire.
  auto wire = res.reply->wire();
  EXPECT_LE(wire.size(), 548u);
  EXPECT_EQ(*dhcp::parse(wire.data(), wire.size()), msg);
}

TEST(dhcp_server, always_send_adds_options_the_client_did_not_ask_for) {
  auto cfg = scope();
  auto srv = make_server(cfg);
  auto in = client(message_type::discover, mac(1), {prl({1})});
  auto plain = srv.handle(in, from_client(), t0());
  // Default always_send: 1, 3, 6.
  EXPECT_EQ(codes_of(plain.reply->message),
            (std::vector<int>{53, 54, 51, 58, 59, 1, 3, 6}));
  cfg.always_send = {150, 66, 43};
  cfg.extra_options = {{15, dhcp::encode_text("example.com")}};
  auto srv2 = make_server(cfg);
  in.set(60, dhcp::encode_text("yealink SIP-T46"));
  in.set(55, {1, 15});
  auto more = srv2.handle(in, from_client(), t0());
  EXPECT_EQ(codes_of(more.reply->message),
            (std::vector<int>{53, 54, 51, 58, 59, 1, 15, 150, 66, 43}));
  EXPECT_EQ(more.reply->message.find(43)->data, (bytes{6}));
  // No option 43 for a class no prefix matches.
  in.set(60, dhcp::encode_text("Cisco"));
  auto cisco = srv2.handle(in, from_client(), t0());
  EXPECT_EQ(cisco.reply->message.find(43), nullptr);
}

TEST(dhcp_server, request_in_selecting_binds_and_acks) {
  auto srv = make_server();
  auto res = dora(srv, mac(1), t0());
  EXPECT_EQ(res.what, outcome::acked);
  ASSERT_TRUE(res.reply);
  EXPECT_EQ(res.reply->message.type(), message_type::ack);
  EXPECT_EQ(res.reply->message.yiaddr, ip("192.0.2.100"));
  ASSERT_EQ(res.changes.size(), 1u);
  EXPECT_EQ(res.changes[0].address, ip("192.0.2.100"));
  EXPECT_EQ(res.changes[0].mac, mac(1));
  EXPECT_EQ(res.changes[0].state, dhcp::lease_state::bound);
  EXPECT_EQ(res.changes[0].expiry, t0() + secs(3600));
  // Table 3: no option 61 or 55 in replies.
  EXPECT_EQ(res.reply->message.find(61), nullptr);
  EXPECT_EQ(res.reply->message.find(55), nullptr);
}

TEST(dhcp_server, replies_go_where_rfc2131_section_4_1_says) {
  auto srv = make_server();
  auto in = client(message_type::discover, mac(1));
  // No broadcast bit, no address: link-level unicast to yiaddr/chaddr.
  auto res = srv.handle(in, from_client(), t0());
  EXPECT_EQ(res.reply->to.kind, destination_kind::link_unicast);
  EXPECT_EQ(res.reply->to.address, ip("192.0.2.100"));
  EXPECT_EQ(res.reply->to.mac, mac(1));
  EXPECT_EQ(res.reply->to.port, 68);
  // Broadcast bit: broadcast.
  in.flags = dhcp::packet::broadcast_flag;
  res = srv.handle(in, from_client(), t0());
  EXPECT_EQ(res.reply->to.kind, destination_kind::broadcast);
  EXPECT_EQ(res.reply->to.address, dhcp::ipv4_address::broadcast());
  EXPECT_EQ(res.reply->message.flags, dhcp::packet::broadcast_flag);
  // A NAK without relay: broadcast whatever the client asked.
  auto bad = client(message_type::request, mac(1),
                    {server_id("192.0.2.1"), requested("192.0.2.150")});
  res = srv.handle(bad, from_client(), t0());
  EXPECT_EQ(res.what, outcome::naked);
  EXPECT_EQ(res.reply->to.kind, destination_kind::broadcast);
  EXPECT_EQ(res.reply->message.yiaddr, ip("0.0.0.0"));
  EXPECT_EQ(codes_of(res.reply->message), (std::vector<int>{53, 54, 56}));
}

TEST(dhcp_server, request_for_another_server_forgets_our_offer) {
  auto cfg = scope();
  cfg.pool_last = cfg.pool_first; // one address
  auto srv = make_server(cfg);
  auto offer =
      srv.handle(client(message_type::discover, mac(1)), from_client(), t0());
  ASSERT_EQ(offer.what, outcome::offered);
  // Held for mac 1: nothing for mac 2.
  EXPECT_EQ(
      srv.handle(client(message_type::discover, mac(2)), from_client(), t0())
          .what,
      outcome::no_address);
  auto other = client(message_type::request, mac(1),
                      {server_id("192.0.2.99"), requested("192.0.2.100")});
  auto res = srv.handle(other, from_client(), t0());
  EXPECT_EQ(res.what, outcome::forgot_offer);
  EXPECT_FALSE(res.reply);
  EXPECT_TRUE(res.changes.empty());
  EXPECT_EQ(
      srv.handle(client(message_type::discover, mac(2)), from_client(), t0())
          .what,
      outcome::offered);
}

TEST(dhcp_server, pool_exhaustion_gets_no_offer) {
  auto cfg = scope();
  cfg.pool_last = ip("192.0.2.101");
  auto srv = make_server(cfg);
  EXPECT_EQ(dora(srv, mac(1), t0()).what, outcome::acked);
  EXPECT_EQ(dora(srv, mac(2), t0()).what, outcome::acked);
  auto res = srv.handle(client(message_type::discover, mac(3)), from_client(),
                        t0() + secs(60));
  EXPECT_EQ(res.what, outcome::no_address);
  EXPECT_FALSE(res.reply);
  // Once a lease ends, its address goes to the newcomer.
  res = srv.handle(client(message_type::discover, mac(3)), from_client(),
                   t0() + secs(3600));
  EXPECT_EQ(res.what, outcome::offered);
}

TEST(dhcp_server, reservations_always_give_the_reserved_address) {
  auto cfg = scope();
  cfg.reservations = {{mac(7), ip("192.0.2.20")}};
  auto srv = make_server(cfg);
  auto in = client(message_type::discover, mac(7), {requested("192.0.2.105")});
  auto res = srv.handle(in, from_client(), t0());
  EXPECT_EQ(res.reply->message.yiaddr, ip("192.0.2.20"));
  EXPECT_EQ(dora(srv, mac(7), t0()).changes.at(0).address, ip("192.0.2.20"));
  // Asking for a pool address instead: NAK.
  auto wrong = client(message_type::request, mac(7),
                      {server_id("192.0.2.1"), requested("192.0.2.105")});
  EXPECT_EQ(srv.handle(wrong, from_client(), t0()).what, outcome::naked);
  // Nobody else gets it, even by asking.
  auto thief = client(message_type::request, mac(8),
                      {server_id("192.0.2.1"), requested("192.0.2.20")});
  EXPECT_EQ(srv.handle(thief, from_client(), t0()).what, outcome::naked);
}

TEST(dhcp_server, relayed_requests_are_answered_through_the_relay) {
  auto srv = make_server();
  auto in = client(message_type::discover, mac(1),
                   {{82, {1, 3, 'p', '1', '7', 2, 2, 0xab, 0xcd}}});
  in.giaddr = ip("192.0.2.254");
  in.hops = 1;
  auto res = srv.handle(in, {ip("192.0.2.254"), false}, t0());
  ASSERT_EQ(res.what, outcome::offered);
  EXPECT_EQ(res.reply->to.kind, destination_kind::relay);
  EXPECT_EQ(res.reply->to.address, ip("192.0.2.254"));
  EXPECT_EQ(res.reply->to.port, 67);
  EXPECT_EQ(res.reply->message.giaddr, ip("192.0.2.254"));
  EXPECT_EQ(res.reply->message.hops, 0);
  // RFC 3046 §2.2: option 82 echoed, last.
  EXPECT_EQ(res.reply->message.options.back(), *in.find(82));
  // NAK through the relay: broadcast bit set for the relay (§4.3.2).
  auto bad = client(message_type::request, mac(1),
                    {server_id("192.0.2.1"), requested("192.0.2.3")});
  bad.giaddr = ip("192.0.2.254");
  auto nak = srv.handle(bad, {ip("192.0.2.254"), false}, t0());
  EXPECT_EQ(nak.what, outcome::naked);
  EXPECT_EQ(nak.reply->to.kind, destination_kind::relay);
  EXPECT_TRUE(nak.reply->message.broadcast());
  // A relay on a subnet without a pool here: ignored.
  in.giaddr = ip("198.51.100.1");
  EXPECT_EQ(srv.handle(in, {ip("198.51.100.1"), false}, t0()).what,
            outcome::ignored);
}

TEST(dhcp_server, serves_only_relays_when_its_own_address_is_elsewhere) {
  auto cfg = scope();
  cfg.server_address = ip("198.51.100.1");
  auto srv = make_server(cfg);
  auto in = client(message_type::discover, mac(1));
  EXPECT_EQ(srv.handle(in, from_client(), t0()).what, outcome::ignored);
  in.giaddr = ip("192.0.2.254");
  EXPECT_EQ(srv.handle(in, from_client(), t0()).what, outcome::offered);
}

TEST(dhcp_server, detects_another_server_on_the_segment) {
  auto srv = make_server();
  auto offer = client(message_type::discover, mac(1));
  offer.op = dhcp::op_code::boot_reply;
  offer.set(53, {2});
  offer.set(54, dhcp::encode_address(ip("192.0.2.66")));
  auto res = srv.handle(offer, {ip("192.0.2.66"), true}, t0());
  EXPECT_EQ(res.what, outcome::rogue_reply);
  EXPECT_EQ(res.rogue_server, ip("192.0.2.66"));
  EXPECT_FALSE(res.reply);
  // Our own reply heard back is not a rogue.
  offer.set(54, dhcp::encode_address(ip("192.0.2.1")));
  EXPECT_FALSE(dhcp::rogue_server(offer, ip("192.0.2.1"), ip("192.0.2.1")));
  // No option 54: the datagram's source counts.
  offer.remove(54);
  offer.set(53, {5});
  EXPECT_EQ(dhcp::rogue_server(offer, ip("192.0.2.1"), ip("192.0.2.77")),
            ip("192.0.2.77"));
  // Requests are never rogue replies.
  auto probe = dhcp::probe_discover(mac(9), 42);
  EXPECT_TRUE(probe.broadcast());
  EXPECT_EQ(probe.type(), message_type::discover);
  EXPECT_FALSE(dhcp::rogue_server(probe, ip("192.0.2.1"), ip("192.0.2.9")));
}

TEST(dhcp_server, garbage_changes_nothing) {
  auto srv = make_server();
  dora(srv, mac(1), t0());
  auto before = srv.pool().snapshot();
  bytes junk(300, 0xff);
  auto res = srv.handle(junk.data(), junk.size(), from_client(), t0());
  EXPECT_EQ(res.what, outcome::malformed);
  EXPECT_EQ(res.error, dhcp::parse_error::bad_op);
  EXPECT_EQ(to_string(res.what), "malformed");
  EXPECT_EQ(res.reason, "bad_op");
  // Well-formed but meaningless messages.
  auto no_type = client(message_type::discover, mac(2));
  no_type.remove(53);
  EXPECT_EQ(srv.handle(no_type, from_client(), t0()).what, outcome::ignored);
  auto server_type = client(message_type::ack, mac(2));
  EXPECT_EQ(srv.handle(server_type, from_client(), t0()).what,
            outcome::ignored);
  auto token_ring = client(message_type::discover, mac(2));
  token_ring.htype = 6;
  EXPECT_EQ(srv.handle(token_ring, from_client(), t0()).what, outcome::ignored);
  auto empty_request = client(message_type::request, mac(2));
  EXPECT_EQ(srv.handle(empty_request, from_client(), t0()).what,
            outcome::ignored);
  EXPECT_EQ(srv.pool().snapshot(), before);
}

// Option values (RFC 2132 §3-9, RFC 3361 option 120, RFC 3046 option 82)
// and the address type.

#include <gtest/gtest.h>

#include "dhcp_test_util.hpp"
#include "provisioning/dhcp/reply.hpp"

namespace dhcp = ivm::provisioning::dhcp;
using namespace dhcp::test;
using dhcp::bytes;

TEST(dhcp_ipv4_address, parses_and_prints_dotted_quads) {
  EXPECT_EQ(ip("192.0.2.1").value(), 0xC0000201u);
  EXPECT_EQ(ip("0.0.0.0").to_string(), "0.0.0.0");
  EXPECT_EQ(ip("255.255.255.255"), dhcp::ipv4_address::broadcast());
  EXPECT_EQ(dhcp::ipv4_address::from_octets(10, 1, 2, 3).to_string(),
            "10.1.2.3");
  for (auto bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3",
                   "1.2.3.4 ", "a.b.c.d", "1.2.3.1234"})
    EXPECT_FALSE(dhcp::ipv4_address::parse(bad)) << bad;
  EXPECT_TRUE(
      ip("192.0.2.7").same_subnet(ip("192.0.2.200"), ip("255.255.255.0")));
  EXPECT_FALSE(
      ip("192.0.3.7").same_subnet(ip("192.0.2.200"), ip("255.255.255.0")));
  EXPECT_TRUE(dhcp::is_netmask(ip("255.255.254.0")));
  EXPECT_TRUE(dhcp::is_netmask(ip("0.0.0.0")));
  EXPECT_FALSE(dhcp::is_netmask(ip("255.0.255.0")));
}

TEST(dhcp_options, encodes_addresses_numbers_and_text) {
  EXPECT_EQ(dhcp::encode_address(ip("255.255.255.0")),
            (bytes{255, 255, 255, 0}));
  EXPECT_EQ(dhcp::encode_addresses({ip("192.0.2.1"), ip("192.0.2.2")}),
            (bytes{192, 0, 2, 1, 192, 0, 2, 2}));
  EXPECT_EQ(dhcp::encode_u32(3600), (bytes{0, 0, 0x0e, 0x10}));
  EXPECT_EQ(dhcp::encode_u16(1500), (bytes{0x05, 0xdc}));
  // RFC 2132 §2: no trailing NUL.
  EXPECT_EQ(dhcp::encode_text("tftp"), (bytes{'t', 'f', 't', 'p'}));
  EXPECT_EQ(*dhcp::decode_u32(bytes{0, 0, 0x0e, 0x10}), 3600u);
  EXPECT_FALSE(dhcp::decode_u32(bytes{0, 0, 1}));
  EXPECT_EQ(dhcp::decode_addresses(bytes{192, 0, 2, 1})->at(0),
            ip("192.0.2.1"));
  EXPECT_FALSE(dhcp::decode_addresses(bytes{}));
  EXPECT_FALSE(dhcp::decode_addresses(bytes{1, 2, 3, 4, 5}));
}

TEST(dhcp_options, encodes_sip_servers_as_rfc3361_says) {
  // RFC 3361 §3.1: enc 0, then names in RFC 1035 form.
  dhcp::sip_servers names{{}, {"example.com", "sip.example.org."}};
  bytes expected = {0,   7,   'e', 'x', 'a', 'm', 'p', 'l', 'e', 3,   'c',
                    'o', 'm', 0,   3,   's', 'i', 'p', 7,   'e', 'x', 'a',
                    'm', 'p', 'l', 'e', 3,   'o', 'r', 'g', 0};
  EXPECT_EQ(*dhcp::encode_sip_servers(names), expected);
  auto back = dhcp::decode_sip_servers(expected);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->names,
            (std::vector<std::string>{"example.com", "sip.example.org"}));
  // RFC 3361 §3.2: enc 1, then addresses.
  dhcp::sip_servers addrs{{ip("192.0.2.1"), ip("192.0.2.2")}, {}};
  EXPECT_EQ(*dhcp::encode_sip_servers(addrs),
            (bytes{1, 192, 0, 2, 1, 192, 0, 2, 2}));
  EXPECT_EQ(*dhcp::decode_sip_servers(*dhcp::encode_sip_servers(addrs)), addrs);
  // Invalid: nothing, empty labels, over-long labels.
  EXPECT_FALSE(dhcp::encode_sip_servers({}));
  EXPECT_FALSE(dhcp::encode_sip_servers({{}, {"a..b"}}));
  EXPECT_FALSE(dhcp::encode_sip_servers({{}, {""}}));
  EXPECT_FALSE(dhcp::encode_sip_servers({{}, {std::string(64, 'x') + ".a"}}));
  // Compression pointers and bad encodings are refused when decoding.
  EXPECT_FALSE(dhcp::decode_sip_servers(bytes{0, 0xc0, 0x04}));
  EXPECT_FALSE(dhcp::decode_sip_servers(bytes{2, 1, 2, 3, 4}));
  EXPECT_FALSE(dhcp::decode_sip_servers(bytes{1, 1, 2}));
  EXPECT_FALSE(dhcp::decode_sip_servers(bytes{0, 3, 'a', 'b'}));
}

TEST(dhcp_options, decodes_relay_agent_sub_options) {
  // RFC 3046 §2.0: circuit id (1) and remote id (2).
  bytes info = {1, 4, 'e', 't', 'h', '0', 2, 2, 0xab, 0xcd};
  auto subs = dhcp::decode_relay_agent_info(info);
  ASSERT_TRUE(subs);
  ASSERT_EQ(subs->size(), 2u);
  EXPECT_EQ((*subs)[0].code, 1);
  EXPECT_EQ((*subs)[1].data, (bytes{0xab, 0xcd}));
  EXPECT_FALSE(dhcp::decode_relay_agent_info(bytes{1, 5, 'x'}));
  EXPECT_FALSE(dhcp::decode_relay_agent_info(bytes{1}));
}

TEST(dhcp_options, packet_accessors_check_lengths) {
  auto msg = client(dhcp::message_type::request, mac(1),
                    {requested("192.0.2.100"), {54, {1, 2, 3}}, {51, {0, 1}}});
  EXPECT_EQ(msg.address_option(50), ip("192.0.2.100"));
  EXPECT_FALSE(msg.address_option(54));
  EXPECT_FALSE(msg.u32_option(51));
  msg.set(53, {9});
  EXPECT_FALSE(msg.type()); // 9 is not a DHCPv4 message type of RFC 2132
  msg.set(53, {1, 1});
  EXPECT_FALSE(msg.type());
  msg.remove(53);
  EXPECT_EQ(msg.find(53), nullptr);
  msg.htype = 6; // IEEE 802: not what this server serves
  EXPECT_FALSE(msg.mac());
  EXPECT_EQ(dhcp::to_string(dhcp::message_type::inform), "DHCPINFORM");
}

TEST(dhcp_options, reply_size_limit_follows_option_57) {
  auto msg = client(dhcp::message_type::discover, mac(1));
  EXPECT_EQ(dhcp::reply_size_limit(msg), 548u);
  msg.set(57, dhcp::encode_u16(1500));
  EXPECT_EQ(dhcp::reply_size_limit(msg), 1472u);
  msg.set(57, dhcp::encode_u16(300)); // below RFC 2132's minimum of 576
  EXPECT_EQ(dhcp::reply_size_limit(msg), 548u);
}

TEST(dhcp_options, config_validation_names_the_problem) {
  EXPECT_FALSE(dhcp::validate(scope()));
  auto cfg = scope();
  cfg.pool_last = ip("192.0.3.5");
  EXPECT_EQ(*dhcp::validate(cfg), "pool range spans several subnets");
  cfg = scope();
  cfg.subnet_mask = ip("255.0.255.0");
  EXPECT_TRUE(dhcp::validate(cfg));
  cfg = scope();
  cfg.pool_last = ip("192.0.2.255");
  EXPECT_TRUE(dhcp::validate(cfg));
  cfg = scope();
  cfg.reservations = {{mac(1), ip("192.0.3.1")}};
  EXPECT_TRUE(dhcp::validate(cfg));
  cfg = scope();
  cfg.reservations = {{mac(1), ip("192.0.2.50")}, {mac(2), ip("192.0.2.50")}};
  EXPECT_TRUE(dhcp::validate(cfg));
  cfg = scope();
  cfg.renewal_time = secs(4000);
  EXPECT_TRUE(dhcp::validate(cfg));
  cfg = scope();
  cfg.sip_servers = dhcp::sip_servers{};
  EXPECT_TRUE(dhcp::validate(cfg));
  cfg = scope();
  cfg.extra_options = {{54, {1, 2, 3, 4}}};
  EXPECT_TRUE(dhcp::validate(cfg));
  EXPECT_FALSE(dhcp::server::make(cfg));
}

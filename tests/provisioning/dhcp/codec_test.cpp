// RFC 2131 §2 (format), RFC 2132 §2-3 and §9.3 (options, overload),
// RFC 3396 (long options): wire bytes in, packet out, and back.

#include <gtest/gtest.h>

#include "dhcp_test_util.hpp"

namespace dhcp = ivm::provisioning::dhcp;
using namespace dhcp::test;
using dhcp::bytes;
using dhcp::parse_error;

namespace {

/// The fixed header of a DHCPDISCOVER from 00:04:f2:00:00:01, xid
/// 0x12345678, secs 5, BROADCAST set, giaddr 192.0.2.254, sname and file
/// given as text, then the magic cookie.
bytes discover_header(const std::string& sname = "",
                      const std::string& file = "") {
  bytes b = {0x01, 0x01, 0x06, 0x00, // op, htype, hlen, hops
             0x12, 0x34, 0x56, 0x78, // xid
             0x00, 0x05, 0x80, 0x00, // secs, flags
             0,    0,    0,    0,    // ciaddr
             0,    0,    0,    0,    // yiaddr
             0,    0,    0,    0,    // siaddr
             192,  0,    2,    254}; // giaddr
  bytes chaddr = {0x00, 0x04, 0xf2, 0x00, 0x00, 0x01};
  chaddr.resize(16);
  b.insert(b.end(), chaddr.begin(), chaddr.end());
  bytes s(sname.begin(), sname.end());
  s.resize(64);
  b.insert(b.end(), s.begin(), s.end());
  bytes f(file.begin(), file.end());
  f.resize(128);
  b.insert(b.end(), f.begin(), f.end());
  b.insert(b.end(), {99, 130, 83, 99});
  return b;
}

bytes with(bytes b, std::initializer_list<std::uint8_t> tail) {
  b.insert(b.end(), tail);
  return b;
}

dhcp::packet parsed(const bytes& b) {
  auto msg = dhcp::parse(b.data(), b.size());
  if (!msg)
    throw std::runtime_error(std::string(to_string(msg.error())));
  return *msg;
}

} // namespace

TEST(dhcp_codec, parses_the_fixed_header_and_options) {
  auto b = with(discover_header("boot-server", "pxelinux.0"),
                {53, 1, 1,             // DHCPDISCOVER
                 0, 0,                 // pad
                 55, 3, 1, 66, 150,    // parameter request list
                 60, 3, 'a', 'b', 'c', // vendor class
                 255});
  auto msg = parsed(b);
  EXPECT_EQ(msg.op, dhcp::op_code::boot_request);
  EXPECT_EQ(msg.xid, 0x12345678u);
  EXPECT_EQ(msg.secs, 5);
  EXPECT_TRUE(msg.broadcast());
  EXPECT_EQ(msg.giaddr, ip("192.0.2.254"));
  EXPECT_EQ(msg.mac(), mac(1));
  EXPECT_EQ(msg.sname, "boot-server");
  EXPECT_EQ(msg.file, "pxelinux.0");
  EXPECT_EQ(msg.type(), dhcp::message_type::discover);
  EXPECT_EQ(codes_of(msg), (std::vector<int>{53, 55, 60}));
  EXPECT_EQ(msg.find(55)->data, (bytes{1, 66, 150}));
  EXPECT_EQ(msg.text_option(60), "abc");
}

TEST(dhcp_codec, serializes_to_the_exact_octets) {
  dhcp::packet msg;
  msg.set_mac(mac(1));
  msg.xid = 0x12345678;
  msg.secs = 5;
  msg.flags = dhcp::packet::broadcast_flag;
  msg.giaddr = ip("192.0.2.254");
  msg.sname = "boot-server";
  msg.file = "pxelinux.0";
  msg.options = {{53, {1}}, {55, {1, 66, 150}}, {60, {'a', 'b', 'c'}}};
  auto expected =
      with(discover_header("boot-server", "pxelinux.0"),
           {53, 1, 1, 55, 3, 1, 66, 150, 60, 3, 'a', 'b', 'c', 255});
  EXPECT_EQ(dhcp::serialize(msg), expected);
  EXPECT_EQ(parsed(expected), msg);
}

TEST(dhcp_codec, rejects_malformed_messages_with_a_reason) {
  auto ok = with(discover_header(), {53, 1, 1, 255});
  struct row {
    const char* what;
    bytes input;
    parse_error error;
  };
  auto bad_op = ok;
  bad_op[0] = 3;
  auto bad_hlen = ok;
  bad_hlen[2] = 17;
  auto bad_cookie = ok;
  bad_cookie[239] = 0x64;
  std::vector<row> rows = {
      {"empty", {}, parse_error::too_short},
      {"header without cookie", bytes(ok.begin(), ok.begin() + 236),
       parse_error::too_short},
      {"239 octets", bytes(ok.begin(), ok.begin() + 239),
       parse_error::too_short},
      {"op 3", bad_op, parse_error::bad_op},
      {"hlen 17", bad_hlen, parse_error::bad_hlen},
      {"BOOTP vendor area", bad_cookie, parse_error::bad_magic_cookie},
      {"length past the end", with(discover_header(), {53, 1, 1, 12, 5, 'a'}),
       parse_error::truncated_option},
      {"code without length", with(discover_header(), {53, 1, 1, 12}),
       parse_error::truncated_option},
      {"overload of 2 octets", with(discover_header(), {52, 2, 1, 1, 255}),
       parse_error::bad_overload},
      {"overload value 4", with(discover_header(), {52, 1, 4, 255}),
       parse_error::bad_overload},
      {"overload twice", with(discover_header(), {52, 1, 1, 52, 1, 1, 255}),
       parse_error::bad_overload},
  };
  for (auto& r : rows) {
    auto msg = dhcp::parse(r.input.data(), r.input.size());
    ASSERT_FALSE(msg) << r.what;
    EXPECT_EQ(msg.error(), r.error) << r.what;
  }
  EXPECT_EQ(to_string(parse_error::truncated_option), "truncated_option");
  EXPECT_FALSE(dhcp::parse(nullptr, 0));
}

TEST(dhcp_codec, tolerates_a_missing_end_after_whole_options) {
  // RFC 2132 §3 wants END; a field that stops after a whole option is
  // harmless and seen in the wild (PRIV_bootp-both_overload_empty-no_end).
  auto msg = parsed(with(discover_header(), {53, 1, 1, 12, 2, 'p', 'c'}));
  EXPECT_EQ(msg.text_option(12), "pc");
  auto padded = parsed(with(discover_header(), {53, 1, 1, 0, 0, 0}));
  EXPECT_EQ(codes_of(padded), (std::vector<int>{53}));
  auto bare = parsed(discover_header());
  EXPECT_TRUE(bare.options.empty());
  EXPECT_FALSE(bare.type());
}

TEST(dhcp_codec, ignores_what_follows_end) {
  auto msg = parsed(with(discover_header(), {53, 1, 3, 255, 12, 200, 'x'}));
  EXPECT_EQ(codes_of(msg), (std::vector<int>{53}));
}

TEST(dhcp_codec, concatenates_split_options_rfc3396) {
  // RFC 3396 §7: instances of one code are joined in the order found.
  auto msg = parsed(with(discover_header(),
                         {43, 2, 1, 2, 53, 1, 1, 43, 0, 43, 3, 3, 4, 5, 255}));
  EXPECT_EQ(codes_of(msg), (std::vector<int>{43, 53}));
  EXPECT_EQ(msg.find(43)->data, (bytes{1, 2, 3, 4, 5}));
}

TEST(dhcp_codec, splits_long_options_when_writing) {
  dhcp::packet msg;
  bytes big(600);
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<std::uint8_t>(i);
  msg.options = {{53, {1}}, {43, big}, {12, {}}};
  auto wire = dhcp::serialize(msg);
  // 240 + 53 (3) + 43 as 255 + 255 + 90 (with 2 octets each) + 12 (2) + END.
  ASSERT_EQ(wire.size(), 240u + 3 + 257 + 257 + 92 + 2 + 1);
  EXPECT_EQ(wire[243], 43);
  EXPECT_EQ(wire[244], 255);
  EXPECT_EQ(wire[243 + 257], 43);
  EXPECT_EQ(wire[243 + 514 + 1], 90);
  EXPECT_EQ(parsed(wire), msg);
}

TEST(dhcp_codec, reads_options_from_file_then_sname_when_overloaded) {
  // RFC 2132 §9.3 with RFC 3396 §7's order: options, file, sname.
  auto b = with(discover_header(), {53, 1, 1, 52, 1, 3, 56, 1, 'a', 255});
  auto sname_at = std::size_t{44};
  auto file_at = std::size_t{108};
  bytes in_sname = {56, 1, 'c', 12, 2, 'h', 'n', 255};
  bytes in_file = {56, 1, 'b', 0, 0, 52, 1, 1, 255}; // 52 here: no effect
  std::copy(in_sname.begin(), in_sname.end(), b.begin() + sname_at);
  std::copy(in_file.begin(), in_file.end(), b.begin() + file_at);
  auto msg = parsed(b);
  EXPECT_EQ(codes_of(msg), (std::vector<int>{53, 56, 12}));
  EXPECT_EQ(msg.text_option(56), "abc");
  EXPECT_EQ(msg.text_option(12), "hn");
  EXPECT_EQ(msg.sname, "");
  EXPECT_EQ(msg.file, "");
  // Only file (1): sname stays a name.
  auto only_file = with(discover_header("srv"), {52, 1, 1, 255});
  std::copy(in_file.begin(), in_file.end(), only_file.begin() + file_at);
  auto msg1 = parsed(only_file);
  EXPECT_EQ(msg1.sname, "srv");
  EXPECT_EQ(msg1.text_option(56), "b");
  // A truncated option inside an overloaded field is an error.
  auto broken = with(discover_header(), {52, 1, 2, 255});
  bytes cut = {12, 70};
  std::copy(cut.begin(), cut.end(), broken.begin() + sname_at + 60);
  EXPECT_EQ(dhcp::parse(broken.data(), broken.size()).error(),
            parse_error::truncated_option);
}

TEST(dhcp_codec, overloads_file_and_sname_to_stay_within_max_size) {
  dhcp::packet msg;
  msg.op = dhcp::op_code::boot_reply;
  msg.options = {{53, {2}},
                 {43, bytes(250, 7)},
                 {66, bytes(100, 'u')},
                 {160, bytes(50, 'p')}};
  // 240 + 3 + 252 + 102 + 52 + 1 = 650 octets unconstrained.
  EXPECT_EQ(dhcp::serialize(msg).size(), 650u);
  auto wire = dhcp::serialize(msg, 548);
  EXPECT_LE(wire.size(), 548u);
  EXPECT_EQ(wire[240], 52); // overload first
  EXPECT_EQ(wire[242], 3);  // file and sname
  EXPECT_EQ(parsed(wire), msg);
  // Too big even so: everything stays in the options field.
  msg.options.push_back({67, bytes(255, 'f')});
  auto big = dhcp::serialize(msg, 548);
  EXPECT_GT(big.size(), 548u);
  EXPECT_NE(big[240], 52);
  EXPECT_EQ(parsed(big), msg);
  // A packet with a file name is never overloaded.
  msg.options.pop_back();
  msg.file = "boot";
  EXPECT_EQ(dhcp::serialize(msg, 548).size(), 650u);
}

TEST(dhcp_codec, every_prefix_is_parsed_or_rejected) {
  auto b = with(
      discover_header("srv", "file"),
      {53, 1, 1, 52, 1, 3, 61, 7, 1, 0, 4, 0xf2, 0, 0, 1, 55, 2, 1, 3, 255});
  for (std::size_t n = 0; n <= b.size(); ++n) {
    bytes prefix(b.begin(), b.begin() + static_cast<long>(n));
    auto msg = dhcp::parse(prefix.data(), prefix.size());
    if (n < 240) {
      EXPECT_EQ(msg.error(), parse_error::too_short) << n;
    } else if (msg) {
      EXPECT_EQ(parsed(dhcp::serialize(*msg)), *msg) << n;
    }
  }
}

TEST(dhcp_codec, drops_reserved_codes_when_writing) {
  dhcp::packet msg;
  msg.options = {{0, {1}}, {53, {1}}, {52, {3}}, {255, {}}};
  auto wire = dhcp::serialize(msg);
  EXPECT_EQ(wire.size(), 240u + 3 + 1);
  EXPECT_EQ(codes_of(parsed(wire)), (std::vector<int>{53}));
}

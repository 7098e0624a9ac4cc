// Captured DHCP traffic (tests/vectors/dhcp/, extracted from the Wireshark
// sample captures; see the README there): every message parses with the
// header fields the capture shows, or is refused with the expected reason;
// every prefix is safe; what parses writes back to the same packet; the
// server answers the clients' messages and survives the rest.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include <gtest/gtest.h>

#include "dhcp_test_util.hpp"

namespace dhcp = ivm::provisioning::dhcp;
namespace fs = std::filesystem;
using namespace dhcp::test;
using dhcp::bytes;
using dhcp::message_type;
using dhcp::parse_error;

namespace {

fs::path vectors_dir() {
  return fs::path{IVM_SOURCE_DIR} / "tests" / "vectors" / "dhcp";
}

bytes read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return bytes{std::istreambuf_iterator<char>{in}, {}};
}

struct vector_row {
  const char* file;
  std::uint32_t xid;
  const char* mac; // chaddr's first six octets
  std::optional<message_type> type;
};

// xid and chaddr as tshark shows them for the source frames.
const vector_row rows[] = {
    {"PRIV_bootp-both_overload-f1-discover.bin", 0xac2effffu,
     "00:00:6c:82:dc:4e", message_type::discover},
    {"PRIV_bootp-both_overload_empty-no_end-f1-discover.bin", 0xac2effffu,
     "00:00:6c:82:dc:4e", message_type::discover},
    {"dhcp-and-dyndns-f1-discover.bin", 0xfe089c15u, "00:50:ba:12:47:cb",
     message_type::discover},
    {"dhcp-and-dyndns-f7-offer.bin", 0xfe089c15u, "00:50:ba:12:47:cb",
     message_type::offer},
    {"dhcp-and-dyndns-f8-request.bin", 0xfe089c15u, "00:50:ba:12:47:cb",
     message_type::request},
    {"dhcp-and-dyndns-f13-ack.bin", 0xfe089c15u, "00:50:ba:12:47:cb",
     message_type::ack},
    {"dhcp-auth-f1-offer.bin", 0x7771cf85u, "00:0e:86:11:c0:75",
     message_type::offer},
    {"dhcp-f1-discover.bin", 0x00003d1du, "00:0b:82:01:fc:42",
     message_type::discover},
    {"dhcp-f2-offer.bin", 0x00003d1du, "00:0b:82:01:fc:42",
     message_type::offer},
    {"dhcp-f3-request.bin", 0x00003d1eu, "00:0b:82:01:fc:42",
     message_type::request},
    {"dhcp-f4-ack.bin", 0x00003d1eu, "00:0b:82:01:fc:42", message_type::ack},
    {"dhcp_log-f1-ack.bin", 0x37445faau, "00:14:7f:f6:aa:e9",
     message_type::ack},
    {"dhcp_log-f11815-discover-overload.bin", 0x000008d4u, "00:18:18:cd:67:c2",
     message_type::discover},
    {"dhcp_log-f12-discover.bin", 0x00003615u, "00:1d:7e:4c:10:31",
     message_type::discover},
    {"dhcp_log-f12306-request-largest.bin", 0x00001b08u, "00:18:39:2e:43:b1",
     message_type::request},
    {"dhcp_log-f15-discover.bin", 0xb1c9835du, "00:1d:73:05:de:04",
     message_type::discover},
    {"dhcp_log-f153-inform.bin", 0x851b2e27u, "00:53:45:00:00:00",
     message_type::inform},
    {"dhcp_log-f1801-request-opt125-bad-suboption.bin", 0x0098baefu,
     "0a:1b:11:75:65:ac", message_type::request},
    {"dhcp_log-f1860-release.bin", 0x04dee1e5u, "00:50:22:e1:34:2c",
     message_type::release},
    {"dhcp_log-f2-request.bin", 0x5be17636u, "00:1d:92:6c:a2:f5",
     message_type::request},
    {"dhcp_log-f201-discover-opt43-odd.bin", 0x3d8d8170u, "00:02:96:12:e9:7a",
     message_type::discover},
    {"dhcp_log-f2949-nak.bin", 0xc1a6221eu, "00:1d:7e:11:88:ff",
     message_type::nak},
    {"dhcp_log-f3-ack.bin", 0x5be17636u, "00:1d:92:6c:a2:f5",
     message_type::ack},
    {"dhcp_log-f3296-release.bin", 0xac2f779du, "00:1a:92:b0:9e:4e",
     message_type::release},
    {"dhcp_log-f4-request.bin", 0xb734e36cu, "00:14:7f:88:f8:e3",
     message_type::request},
    {"dhcp_log-f42-discover-opt116.bin", 0xfa14faa1u, "00:14:7f:62:ed:bf",
     message_type::discover},
    {"dhcp_log-f43-offer.bin", 0xfa14faa1u, "00:14:7f:62:ed:bf",
     message_type::offer},
    {"dhcp_log-f430-request-opt77.bin", 0xd79366bau, "00:18:de:0f:da:49",
     message_type::request},
    {"dhcp_log-f4666-nak.bin", 0x646b3164u, "00:1a:64:6b:31:7e",
     message_type::nak},
    {"dhcp_log-f53-inform.bin", 0x064d84cau, "00:53:45:00:00:00",
     message_type::inform},
    {"dhcp_log-f5532-discover-overload.bin", 0x00002188u, "00:18:18:cd:67:c2",
     message_type::discover},
    {"dhcp_log-f5534-request-overload-largest.bin", 0x00002188u,
     "00:18:18:cd:67:c2", message_type::request},
    {"dhcp_log-f6202-discover-opt251.bin", 0x43c5731eu, "00:1c:bf:51:c7:d9",
     message_type::discover},
    {"dhcp_log-f65-offer.bin", 0x767eff12u, "00:1b:24:ea:60:1f",
     message_type::offer},
    {"dhcp_log-f7215-discover-opt93-97.bin", 0x181434c3u, "00:16:17:14:34:c3",
     message_type::discover},
    {"dhcpboot-f1-discover.bin", 0xde03de03u, "00:a0:cc:30:c8:db",
     message_type::discover},
    {"dhcpboot-f2-offer.bin", 0xde03de03u, "00:a0:cc:30:c8:db",
     message_type::offer},
    {"dhcpboot-f3-request.bin", 0xde03de03u, "00:a0:cc:30:c8:db",
     message_type::request},
    {"dhcpboot-f4-ack.bin", 0xde03de03u, "00:a0:cc:30:c8:db",
     message_type::ack},
    {"dhcpfo-f1-inform.bin", 0x29b6a54eu, "00:00:00:00:00:00",
     message_type::inform},
    {"dhcpfo-f103-discover.bin", 0x87e18967u, "00:0c:29:67:42:7a",
     message_type::discover},
    {"dhcpfo-f106-offer.bin", 0x87e18967u, "00:0c:29:67:42:7a",
     message_type::offer},
    {"dhcpfo-f107-request.bin", 0x87e18967u, "00:0c:29:67:42:7a",
     message_type::request},
    {"dhcpfo-f108-ack.bin", 0x87e18967u, "00:0c:29:67:42:7a",
     message_type::ack},
    {"dhcpfo-f128-release.bin", 0xd1417a4fu, "00:0c:29:67:42:7a",
     message_type::release},
};

std::string mac_text(const dhcp::packet& msg) {
  ivm::provisioning::mac_address::bytes_type b;
  std::copy_n(msg.chaddr.begin(), 6, b.begin());
  return ivm::provisioning::mac_address{b}.to_string();
}

} // namespace

TEST(dhcp_vectors, every_capture_parses_with_its_header_fields) {
  for (auto& row : rows) {
    auto b = read_file(vectors_dir() / row.file);
    ASSERT_GE(b.size(), 240u) << row.file;
    auto msg = dhcp::parse(b.data(), b.size());
    ASSERT_TRUE(msg) << row.file << ": " << to_string(msg.error());
    EXPECT_EQ(msg->xid, row.xid) << row.file;
    EXPECT_EQ(mac_text(*msg), row.mac) << row.file;
    EXPECT_EQ(msg->type(), row.type) << row.file;
  }
}

TEST(dhcp_vectors, the_table_covers_every_file) {
  std::size_t files = 0;
  for (auto& entry : fs::directory_iterator(vectors_dir()))
    if (entry.path().extension() == ".bin")
      ++files;
  // The table above plus the one DHCPv6 message.
  EXPECT_EQ(files, std::size(rows) + 1);
}

TEST(dhcp_vectors, overloaded_fields_carry_options_rfc2132_9_3) {
  // Options field: 53, 57, 55, 51, 52=3, 56 "Padding", 61; file: 56 "file
  // name field overload"; sname: 56 "sname field overload". One option 56,
  // joined in the order options, file, sname (RFC 3396 §7).
  auto b =
      read_file(vectors_dir() / "PRIV_bootp-both_overload-f1-discover.bin");
  auto msg = dhcp::parse(b.data(), b.size());
  ASSERT_TRUE(msg);
  EXPECT_EQ(codes_of(*msg), (std::vector<int>{53, 57, 55, 51, 56, 61}));
  EXPECT_EQ(msg->text_option(56),
            "Paddingfile name field overloadsname field overload");
  EXPECT_EQ(msg->sname, "");
  EXPECT_EQ(msg->file, "");
  // The same message with empty overloaded fields and no END anywhere: the
  // README calls it malformed; each field ends after whole options, so it
  // is accepted as harmless (docs/protocols/dhcp.md).
  auto c = read_file(vectors_dir() /
                     "PRIV_bootp-both_overload_empty-no_end-f1-discover.bin");
  auto no_end = dhcp::parse(c.data(), c.size());
  ASSERT_TRUE(no_end);
  EXPECT_EQ(codes_of(*no_end), (std::vector<int>{53, 57, 55, 51, 56, 61}));
  EXPECT_EQ(no_end->text_option(56), "Padding");
}

TEST(dhcp_vectors, relay_information_and_authentication_are_kept) {
  // dhcp-auth: an OFFER through a relay with options 82 and 90.
  auto b = read_file(vectors_dir() / "dhcp-auth-f1-offer.bin");
  auto msg = dhcp::parse(b.data(), b.size());
  ASSERT_TRUE(msg);
  EXPECT_FALSE(msg->giaddr.is_zero());
  ASSERT_NE(msg->find(82), nullptr);
  EXPECT_TRUE(dhcp::decode_relay_agent_info(msg->find(82)->data));
  EXPECT_NE(msg->find(90), nullptr);
}

TEST(dhcp_vectors, dhcpv6_is_refused) {
  auto b = read_file(vectors_dir() / "DHCPv6-f2-solicit.bin");
  auto msg = dhcp::parse(b.data(), b.size());
  ASSERT_FALSE(msg);
  EXPECT_EQ(msg.error(), parse_error::too_short);
}

TEST(dhcp_vectors, every_prefix_is_safe_and_whole_messages_round_trip) {
  for (auto& entry : fs::directory_iterator(vectors_dir())) {
    if (entry.path().extension() != ".bin")
      continue;
    auto b = read_file(entry.path());
    for (std::size_t n = 0; n <= b.size(); ++n) {
      bytes prefix(b.begin(), b.begin() + static_cast<long>(n));
      auto msg = dhcp::parse(prefix.data(), prefix.size());
      if (n < 240) {
        EXPECT_FALSE(msg) << entry.path() << " " << n;
      }
    }
    auto msg = dhcp::parse(b.data(), b.size());
    if (!msg)
      continue;
    auto wire = dhcp::serialize(*msg);
    auto again = dhcp::parse(wire.data(), wire.size());
    ASSERT_TRUE(again) << entry.path();
    EXPECT_EQ(*again, *msg) << entry.path();
    EXPECT_EQ(dhcp::serialize(*again), wire) << entry.path();
  }
}

TEST(dhcp_vectors, the_server_answers_captured_clients_and_survives_all) {
  // A scope for the captures' own subnets would differ per file; ours sees
  // them as strangers on its segment: DISCOVERs get offers, the rest is
  // handled without a crash, and captured server replies count as rogue.
  auto srv = make_server();
  for (auto& row : rows) {
    auto b = read_file(vectors_dir() / row.file);
    auto res = srv.handle(b.data(), b.size(), from_client(), t0());
    if (row.type == message_type::offer || row.type == message_type::ack ||
        row.type == message_type::nak) {
      EXPECT_EQ(res.what, dhcp::outcome::rogue_reply) << row.file;
      EXPECT_TRUE(res.rogue_server) << row.file;
    }
    if (row.type == message_type::discover) {
      auto b_msg = *dhcp::parse(b.data(), b.size());
      if (b_msg.giaddr.is_zero()) {
        EXPECT_EQ(res.what, dhcp::outcome::offered) << row.file;
      }
    }
    for (std::size_t n = 0; n < b.size(); n += 7)
      srv.handle(b.data(), n, from_client(), t0());
  }
}

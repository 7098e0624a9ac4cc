#include "provisioning/tftp/server.hpp"

#include <gtest/gtest.h>

#include <string>

#include "provisioning/tftp/codec.hpp"
#include "provisioning/tftp/events.hpp"

namespace ivm::provisioning::tftp {
namespace {

using namespace std::string_literals;

error_packet error_of(const std::string& bytes) {
  auto x = parse(bytes);
  EXPECT_TRUE(x);
  return std::get<error_packet>(*x);
}

TEST(tftp_server, screen_accepts_a_read_request) {
  auto r = screen_request("\0\1./Phones\\SEP001122AABBCC.cnf.xml\0OcTeT\0"
                          "tsize\0000\0blksize\0001428\0"s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->file_name, "Phones/SEP001122AABBCC.cnf.xml");
  EXPECT_EQ(r->key, "phones/sep001122aabbcc.cnf.xml");
  EXPECT_EQ(r->mode, transfer_mode::octet);
  EXPECT_EQ(r->options,
            (std::vector<option>{{"tsize", "0"}, {"blksize", "1428"}}));
  auto ascii = screen_request("\0\1a.txt\0netascii\0"s);
  ASSERT_TRUE(ascii);
  EXPECT_EQ(ascii->mode, transfer_mode::netascii);
}

TEST(tftp_server, screen_refuses_with_the_right_error_packet) {
  struct row {
    std::string datagram;
    error_code code;
    std::string message;
  };
  const row rows[] = {
      // RFC 1350 §5: WRQ; this server is read-only.
      {"\0\2upload.bin\0octet\0"s, error_code::access_violation,
       "read-only server"},
      {"\0\1../../etc/shadow\0octet\0"s, error_code::access_violation,
       "parent directory reference"},
      {"\0\1/etc/passwd\0octet\0"s, error_code::access_violation,
       "absolute path"},
      {"\0\1..\\boot.ini\0octet\0"s, error_code::access_violation,
       "parent directory reference"},
      {"\0\1a\nb\0octet\0"s, error_code::access_violation,
       "control character in file name"},
      {"\0\1f\0mail\0"s, error_code::illegal_operation,
       "mail mode not supported"},
      {"\0\1f\0binary\0"s, error_code::illegal_operation, "unknown mode"},
      {"\0\1f"s, error_code::illegal_operation, "string not terminated"},
      {"\0\1f\0octet\0blksize\0"s, error_code::option_refused,
       "option without value"},
      {"\0\1f\0octet\0tsize\0000\0TSIZE\0000\0"s, error_code::option_refused,
       "duplicate option"},
      {"\0\4\0\1"s, error_code::illegal_operation, "expected a read request"},
      {"\0\3\0\1data"s, error_code::illegal_operation,
       "expected a read request"},
      {"\0\6tsize\0001\0"s, error_code::illegal_operation,
       "expected a read request"},
      {"\x47\x45\x54 / HTTP/1.0\r\n\r\n"s, error_code::illegal_operation,
       "unknown opcode"},
      {"\0"s, error_code::illegal_operation, "packet too short"},
  };
  for (auto& r : rows) {
    auto x = screen_request(r.datagram);
    ASSERT_FALSE(x) << testing::PrintToString(r.datagram);
    EXPECT_TRUE(x.error().reply);
    EXPECT_EQ(x.error().code, r.code) << testing::PrintToString(r.datagram);
    EXPECT_EQ(x.error().message, r.message);
    EXPECT_EQ(error_of(x.error().bytes()),
              (error_packet{static_cast<std::uint16_t>(r.code), r.message}));
  }
}

// RFC 1350 §7: an ERROR is never answered, not even a malformed one.
TEST(tftp_server, errors_on_the_listening_port_get_no_reply) {
  for (auto datagram : {"\0\5\0\1oops\0"s, "\0\5"s, "\0\5\0"s}) {
    auto x = screen_request(datagram);
    ASSERT_FALSE(x);
    EXPECT_FALSE(x.error().reply);
  }
}

TEST(tftp_server, not_found_is_error_1) {
  EXPECT_EQ(error_of(not_found()), (error_packet{1, "File not found"}));
  EXPECT_EQ(error_of(not_found("no such phone")),
            (error_packet{1, "no such phone"}));
}

// RFC 1350 §4: "If a source TID does not match, the packet should be
// discarded as erroneously sent from somewhere else. An error packet should
// be sent to the source of the incorrect packet, while not disturbing the
// transfer."
TEST(tftp_server, wrong_tid_gets_error_5_except_for_errors) {
  auto reply = wrong_tid_reply("\0\4\0\1"s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(error_of(*reply).code, 5);
  EXPECT_TRUE(wrong_tid_reply("garbage"));
  EXPECT_FALSE(wrong_tid_reply("\0\5\0\5Unknown transfer ID\0"s));
}

TEST(tftp_server, datagrams_from_the_client_become_events) {
  auto ack = to_event("\0\4\1\0"s);
  ASSERT_TRUE(ack);
  EXPECT_EQ(std::get<events::ack_received>(*ack).block, 256);
  auto err = to_event("\0\5\0\10bad options\0"s);
  ASSERT_TRUE(err);
  EXPECT_EQ(std::get<events::error_received>(*err).code, 8);
  EXPECT_EQ(std::get<events::error_received>(*err).message, "bad options");
  for (auto other : {"\0\3\0\1x"s, "\0\1f\0octet\0"s, "\0\4\0"s, ""s, "\xFF"s})
    EXPECT_FALSE(to_event(other)) << testing::PrintToString(other);
}

} // namespace
} // namespace ivm::provisioning::tftp

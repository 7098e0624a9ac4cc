#include "provisioning/tftp/codec.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ivm::provisioning::tftp {
namespace {

using namespace std::string_literals;

request rrq(const packet& x) {
  return std::get<request>(x);
}

// RFC 1350 §5: "2 bytes | string | 1 byte | string | 1 byte" for RRQ/WRQ;
// "The mode field contains the string "netascii", "octet", or "mail" (or
// any combination of upper and lower case, such as "NETASCII", NetAscii",
// etc.)".
TEST(tftp_codec, parses_requests_in_every_mode_spelling) {
  struct row {
    std::string wire;
    bool write;
    std::string name;
    transfer_mode mode;
  };
  const row rows[] = {
      {"\0\1rfc1350.txt\0octet\0"s, false, "rfc1350.txt", transfer_mode::octet},
      {"\0\1a\0OCTET\0"s, false, "a", transfer_mode::octet},
      {"\0\2b/c\0NetAscii\0"s, true, "b/c", transfer_mode::netascii},
      {"\0\1x\0netascii\0"s, false, "x", transfer_mode::netascii},
      {"\0\2m\0Mail\0"s, true, "m", transfer_mode::mail},
  };
  for (auto& r : rows) {
    auto x = parse(r.wire);
    ASSERT_TRUE(x) << r.name;
    auto req = rrq(*x);
    EXPECT_EQ(req.write, r.write);
    EXPECT_EQ(req.file_name, r.name);
    EXPECT_EQ(req.mode, r.mode);
    EXPECT_TRUE(req.options.empty());
  }
}

// RFC 2347 (Packet Format): options follow the mode as pairs of
// NUL-terminated strings, name then value; names are case-insensitive.
TEST(tftp_codec, parses_options_in_order_keeping_the_spelling) {
  auto x = parse("\0\1f\0octet\0BLKSIZE\0001468\0tsize\0000\0"
                 "windowsize\00016\0x-vendor\0\0"s);
  ASSERT_TRUE(x);
  auto req = rrq(*x);
  ASSERT_EQ(req.options.size(), 4u);
  EXPECT_EQ(req.options[0], (option{"BLKSIZE", "1468"}));
  EXPECT_EQ(req.options[1], (option{"tsize", "0"}));
  EXPECT_EQ(req.options[2], (option{"windowsize", "16"}));
  EXPECT_EQ(req.options[3], (option{"x-vendor", ""}));
}

TEST(tftp_codec, parses_data_ack_error_oack) {
  auto d = parse("\0\3\1\2hello"s);
  ASSERT_TRUE(d);
  EXPECT_EQ(std::get<data_packet>(*d), (data_packet{0x0102, "hello"}));
  auto empty = parse("\0\3\xFF\xFF"s);
  ASSERT_TRUE(empty);
  EXPECT_EQ(std::get<data_packet>(*empty), (data_packet{0xFFFF, ""}));
  auto a = parse("\0\4\0\0"s);
  ASSERT_TRUE(a);
  EXPECT_EQ(std::get<ack_packet>(*a).block, 0);
  auto e = parse("\0\5\0\10Option negotiation failed\0"s);
  ASSERT_TRUE(e);
  EXPECT_EQ(std::get<error_packet>(*e),
            (error_packet{8, "Option negotiation failed"}));
  auto o = parse("\0\6blksize\0001024\0tsize\00099\0"s);
  ASSERT_TRUE(o);
  EXPECT_EQ(std::get<oack_packet>(*o).options,
            (std::vector<option>{{"blksize", "1024"}, {"tsize", "99"}}));
}

// The leniencies `parse` documents: padding after the options, bytes after
// an ACK's block number, an ERROR message without its NUL, error codes
// beyond 8.
TEST(tftp_codec, defined_leniency) {
  auto padded = parse("\0\1f\0octet\0blksize\0001024\0\0\0\0"s);
  ASSERT_TRUE(padded);
  EXPECT_EQ(rrq(*padded).options.size(), 1u);
  auto ack = parse("\0\4\0\7junk"s);
  ASSERT_TRUE(ack);
  EXPECT_EQ(std::get<ack_packet>(*ack).block, 7);
  auto err = parse("\0\5\0\1no nul"s);
  ASSERT_TRUE(err);
  EXPECT_EQ(std::get<error_packet>(*err).message, "no nul");
  auto odd = parse("\0\5\1\0\0"s);
  ASSERT_TRUE(odd);
  EXPECT_EQ(std::get<error_packet>(*odd).code, 256);
}

TEST(tftp_codec, refuses_malformed_packets_with_wire_codes) {
  struct row {
    std::string wire;
    parse_error error;
    error_code code;
  };
  const std::string long_name(max_file_name_length + 1, 'a');
  std::string many = "\0\1f\0octet\0"s;
  for (int i = 0; i <= static_cast<int>(max_options); ++i)
    many += "o" + std::to_string(i) + "\0"s + "1\0"s;
  const row rows[] = {
      {""s, parse_error::too_short, error_code::illegal_operation},
      {"\0"s, parse_error::too_short, error_code::illegal_operation},
      {"\0\0"s, parse_error::unknown_opcode, error_code::illegal_operation},
      {"\0\7x\0"s, parse_error::unknown_opcode, error_code::illegal_operation},
      {"\1\1f\0octet\0"s, parse_error::unknown_opcode,
       error_code::illegal_operation},
      {"\0\1"s, parse_error::unterminated, error_code::illegal_operation},
      {"\0\1file"s, parse_error::unterminated, error_code::illegal_operation},
      {"\0\1file\0octet"s, parse_error::unterminated,
       error_code::illegal_operation},
      {"\0\1file\0"s, parse_error::unterminated, error_code::illegal_operation},
      {"\0\1\0octet\0"s, parse_error::empty_file_name,
       error_code::illegal_operation},
      {"\0\1"s + long_name + "\0octet\0"s, parse_error::file_name_too_long,
       error_code::illegal_operation},
      {"\0\1f\0binary\0"s, parse_error::unknown_mode,
       error_code::illegal_operation},
      {"\0\1f\0\0"s, parse_error::unknown_mode, error_code::illegal_operation},
      {"\0\1f\0octet\0\0x\0"s, parse_error::empty_option_name,
       error_code::option_refused},
      {"\0\1f\0octet\0blksize\0"s, parse_error::missing_value,
       error_code::option_refused},
      {"\0\1f\0octet\0blksize\0001024"s, parse_error::unterminated,
       error_code::illegal_operation},
      {"\0\1f\0octet\0blksize\0008\0BlkSize\0001024\0"s,
       parse_error::duplicate_option, error_code::option_refused},
      {many, parse_error::too_many_options, error_code::option_refused},
      {"\0\3\0"s, parse_error::too_short, error_code::illegal_operation},
      {"\0\4\0"s, parse_error::too_short, error_code::illegal_operation},
      {"\0\5\0"s, parse_error::too_short, error_code::illegal_operation},
      {"\0\6blksize\0"s, parse_error::missing_value,
       error_code::option_refused},
  };
  for (auto& r : rows) {
    auto x = parse(r.wire);
    ASSERT_FALSE(x) << testing::PrintToString(r.wire);
    EXPECT_EQ(x.error(), r.error) << testing::PrintToString(r.wire);
    EXPECT_EQ(to_error_code(x.error()), r.code);
    EXPECT_FALSE(to_string(x.error()).empty());
  }
}

TEST(tftp_codec, accepts_the_longest_name_and_most_options) {
  std::string name(max_file_name_length, 'n');
  std::string wire = "\0\1"s + name + "\0octet\0"s;
  for (std::size_t i = 0; i < max_options; ++i)
    wire += "o" + std::to_string(i) + "\0"s + "v\0"s;
  auto x = parse(wire);
  ASSERT_TRUE(x);
  EXPECT_EQ(rrq(*x).file_name, name);
  EXPECT_EQ(rrq(*x).options.size(), max_options);
}

TEST(tftp_codec, writers_produce_the_wire_format) {
  EXPECT_EQ(make_data(513, "ab"), "\0\3\2\1ab"s);
  EXPECT_EQ(make_data(0, ""), "\0\3\0\0"s);
  EXPECT_EQ(make_ack(65535), "\0\4\xFF\xFF"s);
  EXPECT_EQ(make_error(error_code::file_not_found),
            "\0\5\0\1File not found\0"s);
  EXPECT_EQ(make_error(error_code::access_violation, "read-only server"),
            "\0\5\0\2read-only server\0"s);
  EXPECT_EQ(make_oack({{"blksize", "1468"}, {"tsize", "0"}}),
            "\0\6blksize\0001468\0tsize\0000\0"s);
  std::uint8_t header[data_header_size];
  write_data_header(0xABCD, header);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(header), 4), "\0\3\xAB\xCD"s);
}

TEST(tftp_codec, serialize_round_trips_and_cuts_embedded_nul) {
  const packet xs[] = {
      request{false,
              "dir/SEP001122AABBCC.cnf.xml",
              transfer_mode::netascii,
              {{"tsize", "0"}, {"blksize", "1428"}}},
      request{true, "up", transfer_mode::mail, {}},
      data_packet{7, "\0\1\2"s},
      ack_packet{65535},
      error_packet{1, "File not found"},
      oack_packet{{{"windowsize", "16"}}},
  };
  for (auto& x : xs) {
    auto wire = serialize(x);
    auto again = parse(wire);
    ASSERT_TRUE(again) << testing::PrintToString(wire);
    EXPECT_EQ(*again, x);
  }
  EXPECT_EQ(serialize(error_packet{0, "a\0b"s}), "\0\5\0\0a\0"s);
}

TEST(tftp_codec, ascii_helpers) {
  EXPECT_TRUE(iequals("BlkSize", "blksize"));
  EXPECT_FALSE(iequals("blksize", "blksiz"));
  EXPECT_FALSE(iequals("a\xC3", "A\xE3"));
  EXPECT_EQ(ascii_lower("SEP00AB.CNF.xml\xC3\x89"), "sep00ab.cnf.xml\xC3\x89");
}

} // namespace
} // namespace ivm::provisioning::tftp

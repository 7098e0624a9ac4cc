#include <gtest/gtest.h>

#include <limits>

#include "storage/codec.hpp"
#include "storage/schema.hpp"
#include "test_util.hpp"

namespace ivm::storage {
namespace {

std::string sample_record() {
  return record_writer{1}
      .put_u8(0xab)
      .put_u32(0xdeadbeef)
      .put_u64(std::numeric_limits<std::uint64_t>::max())
      .put_varint(0)
      .put_varint(300)
      .put_varint(std::numeric_limits<std::uint64_t>::max())
      .put_string("")
      .put_string(std::string("a\0b", 3))
      .put_bool(true)
      .put_bool(false)
      .bytes();
}

/// Reads `sample_record`'s fields; the first error ends the read.
status read_sample(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return v.error();
  if (auto x = in.get_u8(); !x || *x != 0xab)
    return x ? error{errc::corruption, "u8"} : x.error();
  if (auto x = in.get_u32(); !x || *x != 0xdeadbeef)
    return x ? error{errc::corruption, "u32"} : x.error();
  if (auto x = in.get_u64(); !x || *x != ~std::uint64_t{0})
    return x ? error{errc::corruption, "u64"} : x.error();
  for (std::uint64_t want :
       {std::uint64_t{0}, std::uint64_t{300}, ~std::uint64_t{0}})
    if (auto x = in.get_varint(); !x || *x != want)
      return x ? error{errc::corruption, "varint"} : x.error();
  if (auto x = in.get_string(); !x || !x->empty())
    return x ? error{errc::corruption, "string"} : x.error();
  if (auto x = in.get_string(); !x || *x != std::string("a\0b", 3))
    return x ? error{errc::corruption, "string"} : x.error();
  if (auto x = in.get_bool(); !x || !*x)
    return x ? error{errc::corruption, "bool"} : x.error();
  if (auto x = in.get_bool(); !x || *x)
    return x ? error{errc::corruption, "bool"} : x.error();
  return in.finish();
}

TEST(codec, round_trip) {
  EXPECT_OK(read_sample(sample_record()));
}

TEST(codec, every_truncation_is_an_error) {
  auto full = sample_record();
  for (std::size_t n = 0; n < full.size(); ++n) {
    // A copy of exactly n bytes, so ASan catches any read past the end.
    auto cut = std::make_unique<char[]>(n + 1);
    std::copy_n(full.data(), n, cut.get());
    auto err = read_sample(std::string_view{cut.get(), n});
    ASSERT_TRUE(err.has_value()) << "accepted " << n << " bytes";
    EXPECT_EQ(err->code, errc::corruption);
  }
}

TEST(codec, trailing_bytes_are_an_error) {
  auto err = read_sample(sample_record() + "x");
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, errc::corruption);
}

TEST(codec, version_byte_checked) {
  record_reader zero{std::string_view{"\x00", 1}};
  EXPECT_FALSE(zero.version(1));
  record_reader newer{"\x02"};
  auto v = newer.version(1);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("version 2"), std::string::npos);
  record_reader empty{""};
  EXPECT_FALSE(empty.version(1));
}

TEST(codec, varint_overflow_is_an_error) {
  // Eleven continuation bytes, and a tenth byte carrying more than 64 bits.
  std::string eleven(11, '\x80');
  record_reader long_one{eleven};
  EXPECT_FALSE(long_one.get_varint());
  auto ten = std::string(9, '\xff') + "\x02";
  record_reader too_big{ten};
  EXPECT_FALSE(too_big.get_varint());
  auto largest = std::string(9, '\xff') + "\x01";
  record_reader max{largest};
  auto x = max.get_varint();
  ASSERT_OK(x);
  EXPECT_EQ(*x, ~std::uint64_t{0});
}

TEST(codec, string_longer_than_record_is_an_error) {
  // Claims 1000 bytes, has 3; and a length near 2^64.
  auto bytes = record_writer{1}.put_varint(1000).bytes() + "abc";
  record_reader in{bytes};
  ASSERT_OK(in.version(1));
  EXPECT_FALSE(in.get_string());
  auto huge = record_writer{1}.put_varint(~std::uint64_t{0}).bytes() + "abc";
  record_reader in2{huge};
  ASSERT_OK(in2.version(1));
  EXPECT_FALSE(in2.get_string());
}

TEST(codec, bool_must_be_zero_or_one) {
  record_reader in{"\x02"};
  auto b = in.get_bool();
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, errc::corruption);
}

TEST(codec, garbage_never_crashes) {
  // Deterministic pseudo-random inputs through every getter.
  std::uint32_t seed = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string bytes;
    auto len = (seed >> 8) % 24;
    for (std::uint32_t i = 0; i < len; ++i) {
      seed = seed * 1103515245 + 12345;
      bytes.push_back(static_cast<char>(seed >> 16));
    }
    record_reader in{bytes};
    for (int step = 0; step < 8 && !in.at_end(); ++step) {
      switch ((seed >> (step * 3)) % 6) {
        case 0:
          (void)in.get_u8();
          break;
        case 1:
          (void)in.get_u32();
          break;
        case 2:
          (void)in.get_u64();
          break;
        case 3:
          (void)in.get_varint();
          break;
        case 4:
          (void)in.get_string();
          break;
        default:
          (void)in.get_bool();
          break;
      }
    }
    EXPECT_LE(in.remaining(), bytes.size());
    (void)decode_schema_record(bytes);
    (void)key_split(bytes);
  }
}

TEST(codec, be64_orders_like_numbers) {
  std::vector<std::uint64_t> xs = {0,
                                   1,
                                   255,
                                   256,
                                   65535,
                                   1ull << 32,
                                   ~std::uint64_t{0} - 1,
                                   ~std::uint64_t{0}};
  for (std::size_t i = 0; i + 1 < xs.size(); ++i)
    EXPECT_LT(be64(xs[i]), be64(xs[i + 1])) << xs[i];
  for (auto x : xs) {
    auto back = read_be64(be64(x));
    ASSERT_OK(back);
    EXPECT_EQ(*back, x);
  }
  EXPECT_FALSE(read_be64("short"));
}

TEST(codec, key_join_orders_part_by_part) {
  // (recipient, seq) pairs in the order a queue scan must return them.
  auto k = [](std::string_view who, std::uint64_t seq) {
    return key_join({who, be64(seq)});
  };
  EXPECT_LT(k("bob", 1), k("bob", 2));
  EXPECT_LT(k("bob", 255), k("bob", 256));
  EXPECT_LT(k("bob", ~std::uint64_t{0}), k("bobby", 0));
  EXPECT_LT(k("bob", ~std::uint64_t{0}), k(std::string("bob\0", 4), 0));
  EXPECT_LT(k("", 5), k("a", 0));
}

TEST(codec, key_prefix_matches_only_whole_parts) {
  auto prefix = key_prefix({"bob"});
  auto starts = [&](const std::string& key) {
    return key.compare(0, prefix.size(), prefix) == 0;
  };
  EXPECT_TRUE(starts(key_join({"bob", be64(0)})));
  EXPECT_TRUE(starts(key_join({"bob", ""})));
  EXPECT_FALSE(starts(key_join({"bobby", be64(0)})));
  // A recipient smuggling a NUL must not land in bob's queue.
  EXPECT_FALSE(starts(key_join({std::string("bob\0\x01x", 5), be64(0)})));
  EXPECT_FALSE(starts(key_join({std::string("bob\0", 4), be64(0)})));
}

TEST(codec, key_split_round_trip_and_garbage) {
  std::vector<std::string> parts = {"alice", std::string("\0\x01\xff", 3),
                                    be64(0), ""};
  auto key = key_join({parts[0], parts[1], parts[2], parts[3]});
  auto back = key_split(key);
  ASSERT_OK(back);
  EXPECT_EQ(*back, parts);
  EXPECT_FALSE(key_split(std::string("a\0", 2)));
  EXPECT_FALSE(key_split(std::string("a\0\x02", 3)));
}

TEST(schema, record_round_trip_and_version_check) {
  auto v = decode_schema_record(encode_schema_record(7));
  ASSERT_OK(v);
  EXPECT_EQ(*v, 7u);
  EXPECT_OK(check_schema_version(schema_version));
  auto err = check_schema_version(3);
  if (schema_version < 3) {
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->code, errc::schema_too_new);
  }
  auto newer_format =
      decode_schema_record(std::string_view{"\x05\x00\x00\x00\x01", 5});
  ASSERT_FALSE(newer_format);
  EXPECT_EQ(newer_format.error().code, errc::schema_too_new);
}

} // namespace
} // namespace ivm::storage

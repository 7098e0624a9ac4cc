// Robustness: every prefix and deterministic random mutations of every
// vector must be handled without crashing (run under ASan/UBSan), plus
// limits and hand-written edge cases.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "appliance/sip/auth.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/serializer.hpp"
#include "appliance/sip/transaction_key.hpp"
#include "appliance/sip/validate.hpp"
#include "appliance/sip/via.hpp"

namespace sip = ivm::sip;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> all_vectors() {
  std::vector<std::string> result;
  fs::path root{std::string{IVM_SOURCE_DIR} + "/tests/vectors/sip"};
  for (auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".dat")
      continue;
    std::ifstream in{entry.path(), std::ios::binary};
    result.emplace_back(std::istreambuf_iterator<char>{in},
                        std::istreambuf_iterator<char>{});
  }
  return result;
}

// Exercises everything a server does with untrusted input.
void exercise(std::string_view input) {
  auto msg = sip::parse(input);
  if (!msg)
    return;
  if (msg->is_request()) {
    sip::validate_request(*msg);
    sip::server_transaction_key(*msg);
  } else {
    sip::validate_response(*msg);
    sip::client_transaction_key(*msg);
  }
  auto again = sip::parse(sip::serialize(*msg));
  EXPECT_TRUE(again.has_value());
}

// Small deterministic PRNG (xorshift64*).
struct prng {
  uint64_t state;

  uint64_t operator()() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ull;
  }
};

} // namespace

TEST(sip_robustness, vectors_found) {
  EXPECT_GE(all_vectors().size(), 62u);
}

TEST(sip_robustness, every_prefix) {
  for (auto& data : all_vectors())
    for (size_t n = 0; n <= data.size(); ++n)
      exercise(std::string_view{data}.substr(0, n));
}

TEST(sip_robustness, random_mutations) {
  prng rng{0x9E3779B97F4A7C15ull};
  const std::string_view interesting = "\r\n :;,<>\"\\%@[]?=/\t0\x00\xff";
  for (auto& data : all_vectors()) {
    for (int round = 0; round < 200; ++round) {
      auto copy = data;
      auto edits = 1 + rng() % 4;
      for (uint64_t e = 0; e < edits && !copy.empty(); ++e) {
        auto pos = rng() % copy.size();
        switch (rng() % 4) {
          case 0:
            copy[pos] = static_cast<char>(rng());
            break;
          case 1:
            copy[pos] = interesting[rng() % interesting.size()];
            break;
          case 2:
            copy.erase(pos, 1 + rng() % 8);
            break;
          default:
            copy.insert(pos, 1 + rng() % 8,
                        interesting[rng() % interesting.size()]);
        }
      }
      exercise(copy);
    }
  }
}

TEST(sip_robustness, garbage) {
  exercise("");
  exercise("\r\n\r\n");
  exercise(std::string(1000, '\0'));
  exercise(std::string(70000, 'A'));
  exercise("SIP/2.0");
  exercise("SIP/2.0 200 OK\r\n");
  exercise("INVITE sip:a@b SIP/2.0\r\n:\r\n\r\n");
  exercise("INVITE sip:a@b SIP/2.0\r\n\r\n");
  exercise("INVITE sip:a@b SIP/2.0\r\n \r\n\r\n");
  exercise("INVITE sip:a@b SIP/2.0\r\nVia: \r\n\r\n");
  exercise("INVITE sip:a@b SIP/2.0\r\nl: 99999999999999999999999\r\n\r\n");
  for (auto v : {"", ",", ";", "SIP/2.0/UDP [", "SIP/2.0/UDP [::1]:",
                 "SIP / / UDP x", "SIP/2.0/UDP h;=", "SIP/2.0/UDP h;a=\""})
    EXPECT_FALSE(sip::parse_via(v)) << v;
  for (auto v : {"", "\"", "<", "<sip:a@b", "\"x\\", "a b c", "<>",
                 "sip:", "<sip:a@[::1>", "x <sip:a@b>;", "<sip:a@b>;tag=\"x"})
    EXPECT_FALSE(sip::parse_name_addr(v)) << v;
  for (auto v : {"", "Digest", "Digest a", "Digest a=", "Digest a=\"x",
                 "Digest a=b,,c=d"})
    EXPECT_FALSE(sip::parse_auth(v)) << v;
}

TEST(sip_robustness, limits) {
  std::string big = "OPTIONS sip:a@b SIP/2.0\r\n";
  for (int i = 0; i < 300; ++i)
    big += "X-H: v\r\n";
  big += "\r\n";
  auto r = sip::parse(big);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 513);
  EXPECT_EQ(r.error().code, sip::parse_errc::too_many_headers);
  EXPECT_TRUE(r.error().is_request);

  std::string longline =
      "OPTIONS sip:a@b SIP/2.0\r\nX-H: " + std::string(9000, 'a') + "\r\n\r\n";
  r = sip::parse(longline);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, sip::parse_errc::header_too_long);

  sip::parse_options small;
  small.max_message_size = 100;
  r = sip::parse("SIP/2.0 200 OK\r\n" + std::string(200, 'x'), small);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 513);
  EXPECT_FALSE(r.error().is_request);
}

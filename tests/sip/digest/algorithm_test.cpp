#include "appliance/sip/digest/algorithm.hpp"

#include <set>

#include <gtest/gtest.h>

namespace ivm::sip::digest {
namespace {

// RFC 7616 §3.3: "algorithm ... If this is not present, it is assumed to be
// MD5"; RFC 8760 §2.3 adds SHA-256 to SIP. The -sess variants are out.
TEST(digest_algorithm, names_and_parsing) {
  EXPECT_EQ(to_string(algorithm::md5), "MD5");
  EXPECT_EQ(to_string(algorithm::sha256), "SHA-256");
  EXPECT_EQ(parse_algorithm(""), algorithm::md5);
  EXPECT_EQ(parse_algorithm("md5"), algorithm::md5);
  EXPECT_EQ(parse_algorithm("MD5"), algorithm::md5);
  EXPECT_EQ(parse_algorithm("sha-256"), algorithm::sha256);
  EXPECT_EQ(parse_algorithm("SHA-256"), algorithm::sha256);
  EXPECT_EQ(parse_algorithm("MD5-sess"), std::nullopt);
  EXPECT_EQ(parse_algorithm("SHA-256-sess"), std::nullopt);
  EXPECT_EQ(parse_algorithm("SHA-512-256"), std::nullopt);
  EXPECT_EQ(parse_algorithm("SHA256"), std::nullopt);
}

// RFC 2617 §3.2.2.2: A1 = unq(username) ":" unq(realm) ":" passwd, with the
// §3.5 example values; RFC 7616 §3.4.2 and §3.9.1 for both hashes.
TEST(digest_algorithm, ha1_matches_rfc_examples) {
  EXPECT_EQ(
      ha1(algorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life"),
      "939e7578ed9e3c518a452acee763bce9");
  EXPECT_EQ(
      ha1(algorithm::md5, "Mufasa", "http-auth@example.org", "Circle of Life"),
      "3d78807defe7de2157e2b0b6573a855f");
  EXPECT_EQ(ha1(algorithm::sha256, "Mufasa", "http-auth@example.org",
                "Circle of Life"),
            "7987c64c30e25f1b74be53f966b49b90"
            "f2808aa92faf9a00262392d7b4794232");
}

// RFC 7616 §5.4: nonces and cnonces need enough randomness.
TEST(digest_algorithm, random_hex_is_lowercase_hex_and_varies) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto str = random_hex(16);
    ASSERT_EQ(str.size(), 32u);
    EXPECT_EQ(str.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(str);
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(random_hex(0), "");
}

} // namespace
} // namespace ivm::sip::digest

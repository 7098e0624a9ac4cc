#include "appliance/sip/digest/challenge.hpp"

#include <gtest/gtest.h>

#include "appliance/sip/auth.hpp"

namespace ivm::sip::digest {
namespace {

// RFC 3261 §22.4 / RFC 7616 §3.3: challenge = "Digest" digest-cln
// *("," digest-cln); realm, nonce, opaque and qop are quoted-strings,
// algorithm and stale are tokens.
TEST(digest_challenge, renders_all_fields) {
  challenge c{algorithm::md5, "ivm.example", "abc123", "xyz", false};
  EXPECT_EQ(to_header_value(c),
            "Digest realm=\"ivm.example\", nonce=\"abc123\", "
            "opaque=\"xyz\", algorithm=MD5, qop=\"auth\"");
  c.alg = algorithm::sha256;
  c.stale = true;
  c.opaque.clear();
  EXPECT_EQ(to_header_value(c),
            "Digest realm=\"ivm.example\", nonce=\"abc123\", "
            "algorithm=SHA-256, qop=\"auth\", stale=TRUE");
}

// RFC 3261 §25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F); CR and LF
// cannot appear in a quoted-string at all, so they are dropped.
TEST(digest_challenge, escapes_quotes_and_drops_line_breaks) {
  challenge c{algorithm::md5, "a \"b\" \\c\r\nVia: evil", "n", "", false};
  auto value = to_header_value(c);
  EXPECT_EQ(value.find('\r'), std::string::npos);
  EXPECT_EQ(value.find('\n'), std::string::npos);
  auto parsed = parse_auth(value);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->get("realm"), "a \"b\" \\cVia: evil");
  EXPECT_EQ(parsed->get("nonce"), "n");
  EXPECT_EQ(parsed->get("qop"), "auth");
  EXPECT_EQ(parsed->get("algorithm"), "MD5");
}

} // namespace
} // namespace ivm::sip::digest

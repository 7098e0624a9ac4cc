#include "appliance/sip/digest/credentials.hpp"
#include "appliance/sip/digest/nonce_issuer.hpp"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace ivm::sip::digest {
namespace {

constexpr std::string_view seed_value =
    "Digest username=\"alice\", realm=\"ivm.example\", "
    "nonce=\"84f1c1ae6cbe5ua2\", uri=\"sip:ivm.example\", "
    "response=\"e955441bbbd1fbe4c9b41f5a2cf248c3\", algorithm=MD5, "
    "cnonce=\"0a1b2c3d\", qop=auth, nc=00000002, opaque=\"o\\\"p\"";

constexpr char interesting[] = {'"',  '\\', ',',    '=',    ' ', '\t', '\0',
                                '\r', '\n', '\x7f', '\xff', 'A', '0'};

// Whatever parse_credentials accepts satisfies what callers rely on.
void check_invariants(std::string_view value, const std::string& secret) {
  auto c = parse_credentials(value);
  if (!c) {
    EXPECT_FALSE(c.error().empty());
    return;
  }
  EXPECT_FALSE(c->username.empty());
  EXPECT_FALSE(c->nonce.empty());
  EXPECT_FALSE(c->uri.empty());
  EXPECT_FALSE(c->response.empty());
  if (!c->qop.empty()) {
    EXPECT_NE(c->nc_value, 0u);
    EXPECT_FALSE(c->cnonce.empty());
  }
  (void)verify(*c, "REGISTER", secret);
  (void)verify(*c, "", "");
}

// RFC 4475 §3.1.2 spirit ("the parser must not crash"): every single-byte
// deletion, insertion and replacement and every truncation of a valid
// Authorization value either parses or yields an error, never a crash
// (ASan/UBSan builds catch memory errors).
TEST(digest_robustness, mutations_never_crash) {
  auto secret = ha1(algorithm::md5, "alice", "ivm.example", "s3cr3t");
  {
    auto c = parse_credentials(seed_value);
    ASSERT_TRUE(c);
    EXPECT_TRUE(verify(*c, "REGISTER", secret));
    EXPECT_EQ(c->opaque, "o\"p");
  }
  const std::string seed{seed_value};
  std::size_t accepted = 0;
  std::size_t verified = 0;
  for (std::size_t i = 0; i <= seed.size(); ++i) {
    std::vector<std::string> variants;
    variants.push_back(seed.substr(0, i));
    if (i < seed.size())
      variants.push_back(seed.substr(0, i) + seed.substr(i + 1));
    for (auto ch : interesting) {
      variants.push_back(seed.substr(0, i) + ch + seed.substr(i));
      if (i < seed.size()) {
        auto replaced = seed;
        replaced[i] = ch;
        variants.push_back(replaced);
      }
    }
    for (auto& v : variants) {
      check_invariants(v, secret);
      if (auto c = parse_credentials(v)) {
        ++accepted;
        if (verify(*c, "REGISTER", secret))
          ++verified;
      }
    }
  }
  // Some mutations are harmless (spaces, opaque), most are not.
  EXPECT_GT(accepted, 0u);
  EXPECT_LT(verified, accepted);
}

// Random bytes, and random tokens from the digest grammar glued together.
TEST(digest_robustness, random_input_never_crashes) {
  std::mt19937 rng{4475};
  auto secret = ha1(algorithm::sha256, "alice", "ivm.example", "s3cr3t");
  const std::vector<std::string> pieces = {
      "Digest ",  "digest", "username", "realm",    "nonce",     "uri",
      "response", "cnonce", "qop",      "nc",       "algorithm", "opaque",
      "userhash", "=",      "=\"",      "\"",       ",",         ", ",
      "\\",       "auth",   "auth-int", "00000001", "SHA-256",   "MD5",
      "true",     " ",      "\t",       "\r\n",     "",          "ffffffff",
  };
  nonce_issuer issuer{"k"};
  const auto now = nonce_issuer::clock::time_point{std::chrono::hours{1}};
  for (int round = 0; round < 3000; ++round) {
    std::string value;
    auto len = rng() % 40;
    if (round % 2 == 0) {
      for (std::size_t i = 0; i < len; ++i)
        value += static_cast<char>(rng() % 256);
    } else {
      for (std::size_t i = 0; i < len; ++i)
        value += pieces[rng() % pieces.size()];
    }
    check_invariants(value, secret);
    EXPECT_EQ(issuer.check(value, now), nonce_status::invalid);
  }
}

} // namespace
} // namespace ivm::sip::digest

// appliance/directory/authenticator: RFC 3261 §22 challenges, RFC 7616
// nonce handling, no user enumeration, failure limiting.

#include <gtest/gtest.h>

#include "appliance/directory/authenticator.hpp"
#include "appliance/sip/digest/algorithm.hpp"
#include "appliance/sip/digest/challenge.hpp"
#include "appliance/sip/parser.hpp"

using namespace ivm;
using clock_type = std::chrono::system_clock;

namespace {

std::string md5(const std::string& s) {
  return sip::digest::hash_hex(sip::digest::algorithm::md5, s);
}

// The nonce of the first challenge with `alg` in an outcome's headers.
std::string nonce_of(const directory::authenticator::outcome& out,
                     const std::string& alg) {
  for (auto& [name, value] : out.headers)
    if (value.find("algorithm=" + alg) != std::string::npos) {
      auto pos = value.find("nonce=\"") + 7;
      return value.substr(pos, value.find('"', pos) - pos);
    }
  return {};
}

sip::message register_with(const std::string& user, const std::string& pw,
                           const std::string& nonce, int nc = 1) {
  auto ha1 = md5(user + ":box.example:" + pw);
  auto ha2 = md5("REGISTER:sip:box.example");
  char ncs[9];
  std::snprintf(ncs, sizeof(ncs), "%08x", nc);
  auto resp = md5(ha1 + ":" + nonce + ":" + ncs + ":c0ffee:auth:" + ha2);
  auto text = "REGISTER sip:box.example SIP/2.0\r\n"
              "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
              "From: <sip:" +
              user +
              "@box.example>;tag=1\r\n"
              "To: <sip:" +
              user +
              "@box.example>\r\nCall-ID: a\r\n"
              "CSeq: 2 REGISTER\r\n"
              "Authorization: Digest username=\"" +
              user + "\", realm=\"box.example\", nonce=\"" + nonce +
              "\", uri=\"sip:box.example\", response=\"" + resp +
              "\", algorithm=MD5, qop=auth, nc=" + ncs +
              ", cnonce=\"c0ffee\"\r\nContent-Length: 0\r\n\r\n";
  auto m = sip::parse(text);
  EXPECT_TRUE(m);
  return *m;
}

class authenticator_test : public ::testing::Test {
protected:
  authenticator_test() {
    directory::account a;
    a.extension = a.username = "201";
    directory::set_password(a, "s3cret", "box.example");
    dir.load(a);
  }

  directory::directory dir{"box.example"};
  directory::authenticator auth{"box.example"};
  clock_type::time_point now = clock_type::now();

  directory::authenticator::outcome challenge() {
    auto m = sip::parse("REGISTER sip:box.example SIP/2.0\r\nVia: SIP/2.0/UDP "
                        "h;branch=z9hG4bK-0\r\nFrom: <sip:201@box.example>;"
                        "tag=1\r\nTo: <sip:201@box.example>\r\nCall-ID: a\r\n"
                        "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n");
    return auth.check(*m, false, dir, "127.0.0.9", now);
  }
};

TEST_F(authenticator_test, challenges_md5_then_sha256) {
  auto out = challenge();
  EXPECT_EQ(out.code, 401);
  ASSERT_EQ(out.headers.size(), 2u);
  EXPECT_EQ(out.headers[0].first, "WWW-Authenticate");
  EXPECT_NE(out.headers[0].second.find("algorithm=MD5"), std::string::npos);
  EXPECT_NE(out.headers[1].second.find("algorithm=SHA-256"), std::string::npos);
}

TEST_F(authenticator_test, clients_that_break_on_sha256_get_md5_only) {
  // baresip 1.0 (libre) aborts on an unknown algorithm instead of ignoring
  // it (RFC 8760 §2.4): it is offered MD5 alone.
  auto m = sip::parse("REGISTER sip:box.example SIP/2.0\r\nVia: SIP/2.0/UDP "
                      "h;branch=z9hG4bK-0\r\nFrom: <sip:201@box.example>;"
                      "tag=1\r\nTo: <sip:201@box.example>\r\nCall-ID: a\r\n"
                      "CSeq: 1 REGISTER\r\nUser-Agent: baresip v1.0.0 "
                      "(x86_64/linux)\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(m);
  auto out = auth.check(*m, false, dir, "127.0.0.9", now);
  EXPECT_EQ(out.code, 401);
  ASSERT_EQ(out.headers.size(), 1u);
  EXPECT_NE(out.headers[0].second.find("algorithm=MD5"), std::string::npos);
}

TEST_F(authenticator_test, accepts_good_credentials_once_per_nonce_count) {
  auto nonce = nonce_of(challenge(), "MD5");
  auto ok = auth.check(register_with("201", "s3cret", nonce), false, dir,
                       "127.0.0.9", now);
  ASSERT_NE(ok.user, nullptr) << ok.why;
  EXPECT_EQ(ok.user->extension, "201");
  // RFC 7616 §3.3: the same nc again is a replay: a fresh, stale challenge.
  auto replay = auth.check(register_with("201", "s3cret", nonce), false, dir,
                           "127.0.0.9", now);
  EXPECT_EQ(replay.code, 401);
  EXPECT_NE(replay.headers[0].second.find("stale=TRUE"), std::string::npos);
  // The next count is fine.
  EXPECT_NE(auth.check(register_with("201", "s3cret", nonce, 2), false, dir,
                       "127.0.0.9", now)
                .user,
            nullptr);
}

TEST_F(authenticator_test, unknown_user_and_wrong_password_answer_alike) {
  auto n1 = nonce_of(challenge(), "MD5");
  auto wrong = auth.check(register_with("201", "nope", n1), false, dir,
                          "127.0.0.1", now);
  auto n2 = nonce_of(challenge(), "MD5");
  auto unknown = auth.check(register_with("299", "nope", n2), false, dir,
                            "127.0.0.2", now);
  EXPECT_EQ(wrong.code, 403);
  EXPECT_EQ(unknown.code, wrong.code);
  EXPECT_EQ(unknown.reason, wrong.reason);
  EXPECT_EQ(unknown.headers, wrong.headers);
}

TEST_F(authenticator_test, expired_nonce_is_stale) {
  auto nonce = nonce_of(challenge(), "MD5");
  auto later = now + std::chrono::minutes(10);
  auto out = auth.check(register_with("201", "s3cret", nonce), false, dir,
                        "127.0.0.9", later);
  EXPECT_EQ(out.code, 401);
  EXPECT_NE(out.headers[0].second.find("stale=TRUE"), std::string::npos);
}

TEST_F(authenticator_test, repeated_failures_block_the_source) {
  for (int i = 0; i < 5; ++i) {
    auto nonce = nonce_of(challenge(), "MD5");
    auto out = auth.check(register_with("201", "bad", nonce), false, dir,
                          "127.0.0.5", now);
    EXPECT_EQ(out.code, 403);
    EXPECT_EQ(out.banned_now, i == 4);
  }
  auto nonce = nonce_of(challenge(), "MD5");
  auto blocked = auth.check(register_with("201", "s3cret", nonce), false, dir,
                            "127.0.0.5", now);
  EXPECT_EQ(blocked.code, 403);
  // Other sources are not affected.
  EXPECT_NE(auth.check(register_with("201", "s3cret", nonce), false, dir,
                       "127.0.0.6", now)
                .user,
            nullptr);
}

} // namespace

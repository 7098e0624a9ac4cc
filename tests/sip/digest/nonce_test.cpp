#include "appliance/sip/digest/nonce_counter.hpp"
#include "appliance/sip/digest/nonce_issuer.hpp"

#include <cctype>
#include <set>

#include <gtest/gtest.h>

namespace ivm::sip::digest {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::system_clock;

const clock::time_point t0 = clock::time_point{1700000000s};

// RFC 7616 §3.3: "nonce: A server-specified string which should be uniquely
// generated each time a 401 response is made ... The contents of the nonce
// are implementation dependent."
TEST(digest_nonce_issuer, fresh_nonce_is_valid_and_unique) {
  nonce_issuer issuer{"test secret", 300s};
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto nonce = issuer.make(t0);
    EXPECT_EQ(nonce.size(), 64u);
    EXPECT_EQ(nonce.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(issuer.check(nonce, t0), nonce_status::valid);
    EXPECT_EQ(issuer.check(nonce, t0 + 300s), nonce_status::valid);
    EXPECT_EQ(issuer.issued_at(nonce), t0);
    seen.insert(nonce);
  }
  EXPECT_EQ(seen.size(), 20u);
  nonce_issuer random_secret;
  EXPECT_EQ(random_secret.check(random_secret.make(t0), t0),
            nonce_status::valid);
  EXPECT_EQ(random_secret.lifetime(), nonce_issuer::default_lifetime);
}

// RFC 7616 §5.5 (limited-use nonces) and §3.3: a nonce the server did not
// issue, or altered in any place, is invalid, never stale.
TEST(digest_nonce_issuer, tampered_nonce_is_invalid) {
  nonce_issuer issuer{"test secret", 300s};
  auto nonce = issuer.make(t0);
  for (std::size_t i = 0; i < nonce.size(); ++i) {
    auto bad = nonce;
    bad[i] = bad[i] == '0' ? '1' : '0';
    EXPECT_EQ(issuer.check(bad, t0), nonce_status::invalid) << i;
    EXPECT_EQ(issuer.issued_at(bad), std::nullopt) << i;
  }
  auto upper = nonce;
  for (auto& ch : upper)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper != nonce) {
    EXPECT_EQ(issuer.check(upper, t0), nonce_status::invalid);
  }
  EXPECT_EQ(issuer.check(nonce.substr(1), t0), nonce_status::invalid);
  EXPECT_EQ(issuer.check(nonce + "0", t0), nonce_status::invalid);
  EXPECT_EQ(issuer.check("", t0), nonce_status::invalid);
  EXPECT_EQ(issuer.check(std::string(64, 'z'), t0), nonce_status::invalid);
  nonce_issuer other{"another secret", 300s};
  EXPECT_EQ(other.check(nonce, t0), nonce_status::invalid);
}

// RFC 7616 §3.3: "stale: A case-insensitive flag indicating that the
// previous request from the client was rejected because the nonce value was
// stale"; RFC 3261 §22.4 likewise.
TEST(digest_nonce_issuer, old_nonce_is_stale) {
  nonce_issuer issuer{"test secret", 300s};
  auto nonce = issuer.make(t0);
  EXPECT_EQ(issuer.check(nonce, t0 + 301s), nonce_status::stale);
  EXPECT_EQ(issuer.check(nonce, t0 + 24h), nonce_status::stale);
  // After the clock stepped back the nonce seems to come from the future.
  EXPECT_EQ(issuer.check(nonce, t0 - 10s), nonce_status::stale);
  EXPECT_EQ(issuer.issued_at(nonce), t0);
}

// RFC 7616 §3.3: "nc ... allows the server to detect request replays by
// maintaining its own copy of this count - if the same nc-value is seen
// twice, then the request is a replay."
TEST(digest_nonce_counter, replay_is_rejected) {
  nonce_counter counter;
  EXPECT_TRUE(counter.accept("n1", 1, t0));
  EXPECT_FALSE(counter.accept("n1", 1, t0));
  EXPECT_TRUE(counter.accept("n1", 2, t0));
  EXPECT_FALSE(counter.accept("n1", 2, t0));
  EXPECT_FALSE(counter.accept("n1", 1, t0));
  EXPECT_TRUE(counter.accept("n1", 7, t0));  // gaps are fine (lost requests)
  EXPECT_TRUE(counter.accept("n2", 1, t0));  // counts are per nonce
  EXPECT_FALSE(counter.accept("n3", 0, t0)); // counts start at 1
  EXPECT_EQ(counter.size(), 2u);
}

// RFC 7616 §3.3 nc with bounded memory: evicted nonces are refused (the
// caller then re-challenges with stale=TRUE) instead of being replayable.
TEST(digest_nonce_counter, evicted_nonce_is_rejected) {
  nonce_counter counter{3};
  EXPECT_TRUE(counter.accept("a", 1, t0));
  EXPECT_TRUE(counter.accept("b", 1, t0 + 1s));
  EXPECT_TRUE(counter.accept("c", 1, t0 + 2s));
  EXPECT_TRUE(counter.accept("d", 1, t0 + 3s)); // evicts "a"
  EXPECT_EQ(counter.size(), 3u);
  EXPECT_FALSE(counter.accept("a", 1, t0));
  EXPECT_FALSE(counter.accept("a", 2, t0));
  // Never-seen nonces issued no later than an evicted one: refused too.
  EXPECT_FALSE(counter.accept("z", 1, t0));
  // Tracked ones keep working; fresh ones are accepted.
  EXPECT_TRUE(counter.accept("b", 2, t0 + 1s));
  EXPECT_TRUE(counter.accept("e", 1, t0 + 4s));
  EXPECT_EQ(counter.size(), 3u);
}

// The whole flow of RFC 3261 §22.4 with an issued nonce: fresh, replayed,
// incremented.
TEST(digest_nonce_counter, works_with_issued_nonces) {
  nonce_issuer issuer{"test secret", 300s};
  nonce_counter counter;
  auto nonce = issuer.make(t0);
  auto issued = issuer.issued_at(nonce);
  ASSERT_TRUE(issued);
  EXPECT_TRUE(counter.accept(nonce, 1, *issued));
  EXPECT_FALSE(counter.accept(nonce, 1, *issued));
  EXPECT_TRUE(counter.accept(nonce, 2, *issued));
}

} // namespace
} // namespace ivm::sip::digest

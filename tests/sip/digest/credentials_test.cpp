#include "appliance/sip/digest/credentials.hpp"

#include <gtest/gtest.h>

namespace ivm::sip::digest {
namespace {

// RFC 2617 §3.5, "Example": the Authorization header of the example, unfolded.
constexpr std::string_view rfc2617_example =
    "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
    "qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
    "response=\"6629fae49393a05397450978507c4ef1\", "
    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

// RFC 7616 §3.9.1, "Example with SHA-256 and MD5": the SHA-256 response.
constexpr std::string_view rfc7616_sha256 =
    "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
    "uri=\"/dir/index.html\", algorithm=SHA-256, "
    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
    "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
    "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6"
    "c1\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

// RFC 7616 §3.9.1: the same request answered with MD5.
constexpr std::string_view rfc7616_md5 =
    "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
    "uri=\"/dir/index.html\", algorithm=MD5, "
    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
    "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
    "response=\"8ca523f5e9506fed4657c9700eebdbec\", "
    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

credentials parse_ok(std::string_view value) {
  auto result = parse_credentials(value);
  EXPECT_TRUE(result) << result.error();
  return result ? *result : credentials{};
}

std::string parse_error_of(std::string_view value) {
  auto result = parse_credentials(value);
  EXPECT_FALSE(result);
  return result ? std::string{} : result.error();
}

// RFC 2617 §3.5: "The following example assumes that an access-protected
// document is being requested from the server via a GET request" ... the
// password is "Circle Of Life".
TEST(digest_credentials, rfc2617_example_md5) {
  auto c = parse_ok(rfc2617_example);
  EXPECT_EQ(c.username, "Mufasa");
  EXPECT_EQ(c.realm, "testrealm@host.com");
  EXPECT_EQ(c.nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
  EXPECT_EQ(c.uri, "/dir/index.html");
  EXPECT_EQ(c.qop, "auth");
  EXPECT_EQ(c.nc, "00000001");
  EXPECT_EQ(c.nc_value, 1u);
  EXPECT_EQ(c.cnonce, "0a4f113b");
  EXPECT_EQ(c.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  EXPECT_EQ(c.alg, algorithm::md5); // absent -> MD5 (RFC 2617 §3.2.1)
  auto secret =
      ha1(algorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_TRUE(verify(c, "GET", secret));
  EXPECT_FALSE(verify(c, "POST", secret));
}

// RFC 7616 §3.9.1: "The password in this example is 'Circle of Life'" and
// the client answers with SHA-256 or with MD5.
TEST(digest_credentials, rfc7616_example_sha256_and_md5) {
  auto sha = parse_ok(rfc7616_sha256);
  EXPECT_EQ(sha.alg, algorithm::sha256);
  EXPECT_TRUE(verify(sha, "GET",
                     ha1(algorithm::sha256, "Mufasa", "http-auth@example.org",
                         "Circle of Life")));
  auto md5 = parse_ok(rfc7616_md5);
  EXPECT_EQ(md5.alg, algorithm::md5);
  EXPECT_TRUE(verify(md5, "GET",
                     ha1(algorithm::md5, "Mufasa", "http-auth@example.org",
                         "Circle of Life")));
  // An HA1 under the other algorithm never matches.
  EXPECT_FALSE(verify(sha, "GET",
                      ha1(algorithm::md5, "Mufasa", "http-auth@example.org",
                          "Circle of Life")));
}

// RFC 3261 §22.4: SIP uses the HTTP digest unchanged, with the SIP method
// and the Request-URI as digest-uri; RFC 8760 §2 adds SHA-256. Vectors
// computed independently (Python hashlib) for this test.
TEST(digest_credentials, sip_register) {
  constexpr std::string_view md5 =
      "Digest username=\"alice\",realm=\"ivm.example\","
      "nonce=\"84f1c1ae6cbe5ua2\",uri=\"sip:ivm.example\","
      "response=\"e955441bbbd1fbe4c9b41f5a2cf248c3\",algorithm=MD5,"
      "cnonce=\"0a1b2c3d\",qop=auth,nc=00000002";
  auto c = parse_ok(md5);
  EXPECT_EQ(c.nc_value, 2u);
  auto good = ha1(algorithm::md5, "alice", "ivm.example", "s3cr3t");
  EXPECT_EQ(good, "8712845da4632352455ed16863ffc091");
  EXPECT_TRUE(verify(c, "REGISTER", good));
  EXPECT_FALSE(verify(c, "INVITE", good));
  constexpr std::string_view sha =
      "Digest username=\"alice\", realm=\"ivm.example\", "
      "nonce=\"84f1c1ae6cbe5ua2\", uri=\"sip:ivm.example\", "
      "response=\"4f5000ad07cc34c0bc2d947796788ceaf2625148e1c830c5d6075275ee3c"
      "a714\", algorithm=sha-256, cnonce=\"0a1b2c3d\", qop=\"auth\", "
      "nc=00000002";
  EXPECT_TRUE(verify(parse_ok(sha), "REGISTER",
                     ha1(algorithm::sha256, "alice", "ivm.example", "s3cr3t")));
}

// RFC 2617 §3.2.2.1: without qop, request-digest = KD(H(A1),
// unq(nonce-value) ":" H(A2)) for compatibility with RFC 2069.
TEST(digest_credentials, rfc2069_without_qop) {
  auto c = parse_ok("Digest username=\"alice\", realm=\"ivm.example\", "
                    "nonce=\"84f1c1ae6cbe5ua2\", uri=\"sip:ivm.example\", "
                    "response=\"E5B11FBCEC973D9B0B1C8DEDDF865037\"");
  EXPECT_TRUE(c.qop.empty());
  EXPECT_EQ(c.nc_value, 0u);
  EXPECT_TRUE(verify(c, "REGISTER",
                     ha1(algorithm::md5, "alice", "ivm.example", "s3cr3t")));
}

// RFC 7616 §3.4.1: the response is checked against the stored password.
TEST(digest_credentials, wrong_password_fails) {
  auto c = parse_ok(rfc2617_example);
  EXPECT_FALSE(verify(
      c, "GET",
      ha1(algorithm::md5, "Mufasa", "testrealm@host.com", "Circle of Life")));
  EXPECT_FALSE(verify(c, "GET", ""));
  auto tampered = c;
  tampered.response.back() = tampered.response.back() == '1' ? '2' : '1';
  EXPECT_FALSE(verify(
      tampered, "GET",
      ha1(algorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life")));
  tampered = c;
  tampered.response.pop_back();
  EXPECT_FALSE(verify(
      tampered, "GET",
      ha1(algorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life")));
}

// RFC 7616 §3.4.3: qop=auth-int hashes the body; we only offer "auth", so
// such credentials are refused rather than checked without the body.
TEST(digest_credentials, auth_int_is_refused) {
  std::string value{rfc2617_example};
  value.replace(value.find("qop=auth"), 8, "qop=auth-int");
  auto c = parse_ok(value);
  EXPECT_EQ(c.qop, "auth-int");
  EXPECT_FALSE(verify(
      c, "GET",
      ha1(algorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life")));
}

// RFC 3261 §22.4 / RFC 7616 §3.4: username, realm, nonce, uri and response
// are required; "cnonce ... MUST be specified if a qop directive is sent",
// "nc ... MUST be specified if a qop directive is sent", nc-value = 8LHEX.
TEST(digest_credentials, errors_name_the_problem) {
  EXPECT_EQ(parse_error_of("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), "not digest");
  EXPECT_EQ(parse_error_of(""), "malformed");
  EXPECT_EQ(parse_error_of("Digest"), "malformed");
  EXPECT_EQ(parse_error_of("Digest username=\"a"), "malformed");
  const std::string full{rfc2617_example};
  for (std::string_view name :
       {"username", "realm", "nonce", "uri", "response", "cnonce"}) {
    auto value = full;
    auto pos = value.find(std::string{name} + "=\"");
    ASSERT_NE(pos, std::string::npos) << name;
    value.replace(pos, name.size(), "x-other");
    EXPECT_EQ(parse_error_of(value), "missing parameter: " + std::string{name});
  }
  auto no_nc = full;
  no_nc.replace(no_nc.find("nc=00000001"), 11, "x=1");
  EXPECT_EQ(parse_error_of(no_nc), "missing parameter: nc");
  for (std::string_view bad :
       {"1", "0000001", "000000001", "0000000g", "00000000"}) {
    auto value = full;
    value.replace(value.find("00000001"), 8, bad);
    EXPECT_EQ(parse_error_of(value), "bad nc") << bad;
  }
  EXPECT_EQ(parse_error_of(full + ", algorithm=MD5-sess"),
            "unsupported algorithm");
  EXPECT_EQ(parse_error_of(full + ", algorithm=SHA-512-256"),
            "unsupported algorithm");
  EXPECT_EQ(parse_error_of(full + ", userhash=true"), "unsupported userhash");
  EXPECT_EQ(parse_error_of(full + ", response=\"00\""),
            "duplicate parameter: response");
  auto odd_qop = full;
  odd_qop.replace(odd_qop.find("qop=auth"), 8, "qop=token");
  EXPECT_EQ(parse_error_of(odd_qop), "unsupported qop");
}

// RFC 7616 §3.5 (nc-value is hex): uppercase hex digits are read as hex.
TEST(digest_credentials, nc_is_hexadecimal) {
  std::string value{rfc2617_example};
  value.replace(value.find("00000001"), 8, "000000Ff");
  EXPECT_EQ(parse_ok(value).nc_value, 255u);
  value.replace(value.find("000000Ff"), 8, "ffffffff");
  EXPECT_EQ(parse_ok(value).nc_value, 0xffffffffu);
}

} // namespace
} // namespace ivm::sip::digest

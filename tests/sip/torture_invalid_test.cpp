// RFC 4475 §3.1.2 and the semantic cases of §3.3: messages that must be
// rejected, by `parse` or by `validate_request` / `validate_response`, with
// the status RFC 4475 recommends.

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "appliance/sip/parser.hpp"
#include "appliance/sip/validate.hpp"

#include "tests/sip/torture_support.hpp"

namespace sip = ivm::sip;

namespace {

using ivm::test::load;

// Rejected by the parser itself.
sip::parse_error parse_fails(const std::string& name) {
  auto msg = sip::parse(load(name));
  EXPECT_FALSE(msg.has_value()) << name;
  if (msg)
    return {};
  return msg.error();
}

// Parses, but validation rejects it.
sip::parse_error validate_fails(const std::string& name) {
  auto msg = sip::parse(load(name));
  EXPECT_TRUE(msg.has_value()) << name << ": " << msg.error().reason;
  if (!msg)
    return {};
  auto err = msg->is_request() ? sip::validate_request(*msg)
                               : sip::validate_response(*msg);
  EXPECT_TRUE(err.has_value()) << name;
  return err ? *err : sip::parse_error{};
}

} // namespace

// 3.1.2.1 Extraneous Header Field Separators: Via ";;,;,," and Contact
// ";;;;" -> 400.
TEST(sip_rfc4475, badinv01) {
  auto err = validate_fails("3.1.2.1-badinv01.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_TRUE(err.is_request);
  // Both offending headers fail on their own.
  auto msg = sip::parse(load("3.1.2.1-badinv01.dat"));
  msg->remove("Via");
  msg->add("Via", "SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKok");
  EXPECT_TRUE(sip::validate_request(*msg));
  msg->replace("Contact", "<sip:joe@example.org>");
  EXPECT_FALSE(sip::validate_request(*msg));
}

// 3.1.2.2 Content Length Larger Than Message: over UDP -> 400.
TEST(sip_rfc4475, clerr) {
  auto err = parse_fails("3.1.2.2-clerr.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.code, sip::parse_errc::bad_content_length);
  EXPECT_TRUE(err.is_request);
}

// 3.1.2.3 Negative Content-Length -> 400, never used as a counter.
TEST(sip_rfc4475, ncl) {
  auto err = parse_fails("3.1.2.3-ncl.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.code, sip::parse_errc::bad_content_length);
}

// 3.1.2.4 Request Scalar Fields with Overlarge Values: CSeq > 2^32-1 (and
// Max-Forwards 300, huge Expires) -> 400.
TEST(sip_rfc4475, scalar02) {
  auto err = validate_fails("3.1.2.4-scalar02.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_TRUE(err.is_request);
}

// 3.1.2.5 Response Scalar Fields with Overlarge Values: dropped.
TEST(sip_rfc4475, scalarlg) {
  auto err = validate_fails("3.1.2.5-scalarlg.dat");
  EXPECT_FALSE(err.is_request);
}

// 3.1.2.6 Unterminated Quoted String in Display Name -> 400.
TEST(sip_rfc4475, quotbal) {
  EXPECT_EQ(validate_fails("3.1.2.6-quotbal.dat").status, 400);
}

// 3.1.2.7 <> Enclosing Request-URI -> 400.
TEST(sip_rfc4475, ltgtruri) {
  auto err = parse_fails("3.1.2.7-ltgtruri.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_TRUE(err.is_request);
  EXPECT_EQ(err.code, sip::parse_errc::malformed_start_line);
}

// 3.1.2.8 Malformed SIP Request-URI (embedded LWS) -> 400.
TEST(sip_rfc4475, lwsruri) {
  auto err = parse_fails("3.1.2.8-lwsruri.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_TRUE(err.is_request);
}

// 3.1.2.9 Multiple SP Separating Request-Line Elements -> 400.
TEST(sip_rfc4475, lwsstart) {
  EXPECT_EQ(parse_fails("3.1.2.9-lwsstart.dat").status, 400);
}

// 3.1.2.10 SP Characters at End of Request-Line -> 400.
TEST(sip_rfc4475, trws) {
  EXPECT_EQ(parse_fails("3.1.2.10-trws.dat").status, 400);
}

// 3.1.2.11 Escaped Headers in SIP Request-URI -> 400 (we reject rather than
// silently drop the headers).
TEST(sip_rfc4475, escruri) {
  EXPECT_EQ(validate_fails("3.1.2.11-escruri.dat").status, 400);
}

// 3.1.2.12 Invalid Time Zone in Date Header Field: "EST" -> 400.
TEST(sip_rfc4475, baddate) {
  EXPECT_EQ(validate_fails("3.1.2.12-baddate.dat").status, 400);
}

// 3.1.2.13 Failure to Enclose name-addr URI in <> -> 400.
TEST(sip_rfc4475, regbadct) {
  EXPECT_EQ(validate_fails("3.1.2.13-regbadct.dat").status, 400);
}

// 3.1.2.14 Spaces within addr-spec -> 400, without breaking the parser.
TEST(sip_rfc4475, badaspec) {
  EXPECT_EQ(validate_fails("3.1.2.14-badaspec.dat").status, 400);
}

// 3.1.2.15 Non-token Characters in Display Name -> 400. The archive file
// also lacks the empty line ending the header section, so `parse` already
// rejects it; with the empty line added, validation rejects it.
TEST(sip_rfc4475, baddn) {
  auto err = parse_fails("3.1.2.15-baddn.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.code, sip::parse_errc::truncated);
  auto msg = sip::parse(load("3.1.2.15-baddn.dat") + "\r\n");
  ASSERT_TRUE(msg);
  auto verr = sip::validate_request(*msg);
  ASSERT_TRUE(verr);
  EXPECT_EQ(verr->status, 400);
}

// 3.1.2.16 Unknown Protocol Version -> 505.
TEST(sip_rfc4475, badvers) {
  auto err = parse_fails("3.1.2.16-badvers.dat");
  EXPECT_EQ(err.status, 505);
  EXPECT_EQ(err.code, sip::parse_errc::bad_version);
  EXPECT_TRUE(err.is_request);
}

// 3.1.2.17 Start Line and CSeq Method Mismatch -> 400.
TEST(sip_rfc4475, mismatch01) {
  auto err = validate_fails("3.1.2.17-mismatch01.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.code, sip::parse_errc::cseq_method_mismatch);
}

// 3.1.2.18 Unknown Method with CSeq Method Mismatch: 400 with a code that
// lets the caller answer 501 for the unknown method.
TEST(sip_rfc4475, mismatch02) {
  auto err = validate_fails("3.1.2.18-mismatch02.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.code, sip::parse_errc::cseq_method_mismatch);
}

// 3.1.2.19 Overlarge Response Code: dropped.
TEST(sip_rfc4475, bigcode) {
  auto err = parse_fails("3.1.2.19-bigcode.dat");
  EXPECT_FALSE(err.is_request);
  EXPECT_EQ(err.code, sip::parse_errc::malformed_start_line);
}

// 3.3.1 Missing Required Header Fields -> 400.
TEST(sip_rfc4475, insuf) {
  auto err = validate_fails("3.3.1-insuf.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.code, sip::parse_errc::missing_header);
}

// 3.3.8 Multiple Values in Single Value Required Fields -> 400.
TEST(sip_rfc4475, multi01) {
  auto err = validate_fails("3.3.8-multi01.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.code, sip::parse_errc::duplicate_header);
}

// 3.3.9 Multiple Content-Length Values -> 400.
TEST(sip_rfc4475, mcl01) {
  auto err = parse_fails("3.3.9-mcl01.dat");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.code, sip::parse_errc::bad_content_length);
}

// The archive's unreferenced test.dat: no SIP-Version, a line without a
// colon -> rejected.
TEST(sip_rfc4475, archive_unreferenced) {
  auto err = parse_fails("archive-unreferenced-test.dat");
  EXPECT_EQ(err.status, 400);
}

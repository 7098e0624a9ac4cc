// Serializer: parse(serialize(parse(x))) == parse(x) for every valid
// vector; make_response per RFC 3261 §8.2.6.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/response.hpp"
#include "appliance/sip/serializer.hpp"
#include "appliance/sip/validate.hpp"

namespace sip = ivm::sip;
namespace fs = std::filesystem;

namespace {

// Same message, ignoring Content-Length lines (the serializer writes one).
void expect_same(const sip::message& a, const sip::message& b,
                 const std::string& name) {
  EXPECT_EQ(a.method, b.method) << name;
  EXPECT_EQ(a.request_uri, b.request_uri) << name;
  EXPECT_EQ(a.status_code, b.status_code) << name;
  EXPECT_EQ(a.reason, b.reason) << name;
  EXPECT_EQ(a.version, b.version) << name;
  EXPECT_EQ(a.body, b.body) << name;
  auto strip = [](const sip::message& m) {
    std::vector<std::pair<std::string, std::string>> result;
    for (auto& h : m.headers)
      if (h.id != sip::header_id::content_length)
        result.emplace_back(h.name, h.value);
    return result;
  };
  EXPECT_EQ(strip(a), strip(b)) << name;
}

} // namespace

TEST(sip_roundtrip, every_parseable_vector) {
  fs::path root{std::string{IVM_SOURCE_DIR} + "/tests/vectors/sip"};
  int checked = 0;
  for (auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".dat")
      continue;
    std::ifstream in{entry.path(), std::ios::binary};
    std::string data{std::istreambuf_iterator<char>{in}, {}};
    auto first = sip::parse(data);
    if (!first)
      continue;
    auto name = entry.path().filename().string();
    auto wire = sip::serialize(*first);
    auto second = sip::parse(wire);
    ASSERT_TRUE(second) << name << ": " << second.error().reason;
    expect_same(*first, *second, name);
    // Serializing is stable.
    EXPECT_EQ(sip::serialize(*second), wire) << name;
    ++checked;
  }
  EXPECT_GE(checked, 45);
}

TEST(sip_roundtrip, canonical_form) {
  auto msg = sip::parse("OPTIONS sip:a@example.com SIP/2.0\r\n"
                        "v: SIP/2.0/UDP h\r\n"
                        " ;branch=z9hG4bK1\r\n"
                        "l: 7\r\n"
                        "l: 7\r\n"
                        "\r\n"
                        "abc");
  // Content-Length 7 with 3 octets is an error ...
  EXPECT_FALSE(msg);
  msg = sip::parse("OPTIONS sip:a@example.com SIP/2.0\r\n"
                   "v: SIP/2.0/UDP h\r\n"
                   " ;branch=z9hG4bK1\r\n"
                   "l: 3\r\n"
                   "l: 3\r\n"
                   "\r\n"
                   "abcdef");
  ASSERT_TRUE(msg);
  EXPECT_EQ(sip::serialize(*msg), "OPTIONS sip:a@example.com SIP/2.0\r\n"
                                  "v: SIP/2.0/UDP h ;branch=z9hG4bK1\r\n"
                                  "l: 3\r\n"
                                  "\r\n"
                                  "abc");
  sip::serialize_options long_names;
  long_names.long_names = true;
  EXPECT_EQ(sip::serialize(*msg, long_names),
            "OPTIONS sip:a@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP h ;branch=z9hG4bK1\r\n"
            "Content-Length: 3\r\n"
            "\r\n"
            "abc");
}

TEST(sip_make_response, copies_headers_and_adds_tag) {
  auto req = sip::parse("INVITE sip:bob@example.com SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
                        "Via: SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\n"
                        "Max-Forwards: 70\r\n"
                        "To: <sip:bob@example.com>\r\n"
                        "From: <sip:alice@example.com>;tag=a1\r\n"
                        "Call-ID: c1@example.com\r\n"
                        "CSeq: 1 INVITE\r\n"
                        "Timestamp: 54\r\n"
                        "Contact: <sip:alice@a.example.com>\r\n"
                        "Content-Length: 0\r\n"
                        "\r\n");
  ASSERT_TRUE(req);
  auto trying = sip::make_response(*req, 100, "Trying", "t9");
  EXPECT_EQ(trying.status_code, 100);
  EXPECT_EQ(trying.value_of("To"), "<sip:bob@example.com>");
  EXPECT_EQ(trying.value_of("Timestamp"), "54");
  auto ok = sip::make_response(*req, 486, "Busy Here", "t9");
  EXPECT_EQ(ok.reason, "Busy Here");
  ASSERT_EQ(ok.count("Via"), 2u);
  EXPECT_EQ(ok.find_all("Via")[1]->value,
            "SIP/2.0/UDP b.example.com;branch=z9hG4bK2");
  EXPECT_EQ(ok.value_of("To"), "<sip:bob@example.com>;tag=t9");
  EXPECT_EQ(ok.value_of("From"), "<sip:alice@example.com>;tag=a1");
  EXPECT_EQ(ok.value_of("Call-ID"), "c1@example.com");
  EXPECT_EQ(ok.value_of("CSeq"), "1 INVITE");
  EXPECT_EQ(ok.count("Contact"), 0u);
  EXPECT_EQ(ok.count("Timestamp"), 0u);
  EXPECT_FALSE(sip::validate_response(ok));
  EXPECT_EQ(sip::serialize(ok), "SIP/2.0 486 Busy Here\r\n"
                                "Via: SIP/2.0/UDP a.example.com;"
                                "branch=z9hG4bK1\r\n"
                                "Via: SIP/2.0/UDP b.example.com;"
                                "branch=z9hG4bK2\r\n"
                                "To: <sip:bob@example.com>;tag=t9\r\n"
                                "From: <sip:alice@example.com>;tag=a1\r\n"
                                "Call-ID: c1@example.com\r\n"
                                "CSeq: 1 INVITE\r\n"
                                "Content-Length: 0\r\n"
                                "\r\n");
  // An existing To tag is kept.
  req->replace("To", "<sip:bob@example.com>;tag=x");
  auto again = sip::make_response(*req, 200, "OK", "t9");
  EXPECT_EQ(again.value_of("To"), "<sip:bob@example.com>;tag=x");
}

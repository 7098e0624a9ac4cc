// Transaction matching keys (RFC 3261 §17.1.3, §17.2.3).

#include <string>

#include <gtest/gtest.h>

#include "appliance/sip/parser.hpp"
#include "appliance/sip/response.hpp"
#include "appliance/sip/transaction_key.hpp"

namespace sip = ivm::sip;

namespace {

sip::message request(const std::string& method, const std::string& cseq,
                     const std::string& via, const std::string& to = "") {
  auto msg = sip::parse(method +
                        " sip:bob@example.com SIP/2.0\r\n"
                        "Via: " +
                        via +
                        "\r\n"
                        "To: <sip:bob@example.com>" +
                        to +
                        "\r\n"
                        "From: <sip:alice@example.com>;tag=f1\r\n"
                        "Call-ID: k1@example.com\r\n"
                        "CSeq: " +
                        cseq +
                        "\r\n"
                        "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(msg);
  return msg ? std::move(*msg) : sip::message{};
}

} // namespace

TEST(sip_transaction_key, rfc3261_server) {
  auto via = std::string{"SIP/2.0/UDP Host.example.com:5060;branch=z9hG4bKa"};
  auto invite = request("INVITE", "1 INVITE", via);
  auto ack = request("ACK", "1 ACK", via, ";tag=t");
  auto cancel = request("CANCEL", "1 CANCEL", via);
  auto key = sip::server_transaction_key(invite);
  EXPECT_EQ(key, "z9hG4bKa|host.example.com:5060|INVITE");
  EXPECT_EQ(sip::server_transaction_key(ack), key);
  EXPECT_NE(sip::server_transaction_key(cancel), key);
  auto other = request("INVITE", "1 INVITE",
                       "SIP/2.0/UDP other.example.com;branch=z9hG4bKa");
  EXPECT_NE(sip::server_transaction_key(other), key);
}

TEST(sip_transaction_key, rfc2543_fallback) {
  auto via = std::string{"SIP/2.0/UDP h.example.com"};
  auto invite = request("INVITE", "7 INVITE", via);
  auto ack = request("ACK", "7 ACK", via, ";tag=ours");
  auto key = sip::server_transaction_key(invite);
  EXPECT_EQ(key.substr(0, 5), "2543|");
  EXPECT_EQ(sip::server_transaction_key(ack), key);
  auto bye = request("BYE", "8 BYE", via, ";tag=ours");
  auto bye2 = request("BYE", "8 BYE", via, ";tag=other");
  EXPECT_NE(sip::server_transaction_key(bye),
            sip::server_transaction_key(bye2));
  auto next = request("INVITE", "8 INVITE", via);
  EXPECT_NE(sip::server_transaction_key(next), key);
}

TEST(sip_transaction_key, client_side) {
  auto invite = request("INVITE", "1 INVITE", "SIP/2.0/UDP h;branch=z9hG4bKc1");
  auto resp = sip::make_response(invite, 180, "Ringing", "t");
  EXPECT_EQ(sip::client_transaction_key(resp), "z9hG4bKc1|INVITE");
  EXPECT_EQ(sip::client_transaction_key_of_request(invite),
            sip::client_transaction_key(resp));
  auto cancel = request("CANCEL", "1 CANCEL", "SIP/2.0/UDP h;branch=z9hG4bKc1");
  EXPECT_NE(
      sip::client_transaction_key(sip::make_response(cancel, 200, "OK", "t")),
      sip::client_transaction_key(resp));
  EXPECT_EQ(sip::client_transaction_key(sip::message{}), "");
}

// The box's own key: RFC 4475 §3.3.12/13 reuse one branch for different
// requests; Call-ID and CSeq number keep them apart, while a retransmission
// and its ACK and CANCEL still meet their INVITE.
TEST(sip_transaction_key, strict_key_separates_reused_branches) {
  auto via = std::string{"SIP/2.0/UDP h.example.com;branch=z9hG4bKsame"};
  auto first = request("INVITE", "1 INVITE", via);
  auto second = request("INVITE", "2 INVITE", via);
  EXPECT_NE(sip::strict_transaction_key(first),
            sip::strict_transaction_key(second));
  EXPECT_EQ(sip::strict_transaction_key(first),
            sip::strict_transaction_key(request("INVITE", "1 INVITE", via)));
  EXPECT_EQ(sip::strict_transaction_key(request("ACK", "1 ACK", via, ";tag=t")),
            sip::strict_transaction_key(first));
  EXPECT_EQ(sip::strict_transaction_key(sip::message{}), "");
}

// RFC 3261 §8.2.2.2: no To tag -> From tag, Call-ID and CSeq identify it.
TEST(sip_transaction_key, merge_key_only_without_to_tag) {
  auto a = request("MESSAGE", "5 MESSAGE", "SIP/2.0/UDP h;branch=z9hG4bKa1");
  auto b = request("MESSAGE", "5 MESSAGE",
                   "SIP/2.0/UDP other;branch=z9hG4bKb2"); // forked copy
  EXPECT_FALSE(sip::merge_key(a).empty());
  EXPECT_EQ(sip::merge_key(a), sip::merge_key(b));
  EXPECT_NE(sip::merge_key(a),
            sip::merge_key(request("MESSAGE", "6 MESSAGE",
                                   "SIP/2.0/UDP h;branch=z9hG4bKa3")));
  EXPECT_EQ(sip::merge_key(request("BYE", "7 BYE",
                                   "SIP/2.0/UDP h;branch=z9hG4bKa4", ";tag=x")),
            "");
}

TEST(sip_transaction_key, stateless_tag_is_stable_per_key) {
  EXPECT_EQ(sip::stateless_tag("k1"), sip::stateless_tag("k1"));
  EXPECT_NE(sip::stateless_tag("k1"), sip::stateless_tag("k2"));
  EXPECT_EQ(sip::stateless_tag("k1").size(), 16U);
}

// appliance/sip/core/registrar: RFC 3261 §10.3 binding rules.

#include <gtest/gtest.h>

#include "appliance/sip/core/registrar.hpp"
#include "appliance/sip/parser.hpp"

using namespace ivm::sip;
using core::contact_binding;

namespace {

message reg(const std::string& contacts, const std::string& extra = "",
            int cseq = 1, const std::string& call_id = "reg-1") {
  auto m =
      parse("REGISTER sip:box.example SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-r\r\n"
            "From: <sip:201@box.example>;tag=a\r\n"
            "To: <sip:201@box.example>\r\n"
            "Call-ID: " +
            call_id + "\r\nCSeq: " + std::to_string(cseq) + " REGISTER\r\n" +
            contacts + extra + "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(m) << (m ? "" : m.error().reason);
  return *m;
}

const core::registrar_config cfg{};
constexpr std::uint64_t now = 1'000'000;

TEST(registrar, registers_with_default_then_header_then_param_expiry) {
  auto r = core::apply_register(
      {}, reg("Contact: <sip:201@127.0.0.1:5070>\r\n"), now, cfg);
  ASSERT_EQ(r.code, 200);
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].expires_s, now + 3600);
  r = core::apply_register(
      {}, reg("Contact: <sip:201@127.0.0.1:5070>\r\n", "Expires: 120\r\n"), now,
      cfg);
  EXPECT_EQ(r.bindings[0].expires_s, now + 120);
  r = core::apply_register(
      {},
      reg("Contact: <sip:201@127.0.0.1:5070>;expires=90\r\n",
          "Expires: 120\r\n"),
      now, cfg);
  EXPECT_EQ(r.bindings[0].expires_s, now + 90);
  EXPECT_EQ(r.headers[0].first, "Contact");
  EXPECT_EQ(r.headers[0].second, "<sip:201@127.0.0.1:5070>;expires=90;q=1");
}

TEST(registrar, caps_at_the_maximum) {
  auto r = core::apply_register(
      {}, reg("Contact: <sip:a@127.0.0.1>\r\n", "Expires: 999999\r\n"), now,
      cfg);
  EXPECT_EQ(r.bindings[0].expires_s, now + cfg.max_expires);
}

TEST(registrar, too_brief_is_423_with_min_expires) {
  auto r = core::apply_register(
      {}, reg("Contact: <sip:a@127.0.0.1>\r\n", "Expires: 10\r\n"), now, cfg);
  EXPECT_EQ(r.code, 423);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0],
            (std::pair<std::string, std::string>{"Min-Expires", "60"}));
}

TEST(registrar, several_devices_sorted_by_q) {
  auto r = core::apply_register(
      {}, reg("Contact: <sip:a@127.0.0.1>;q=0.5, <sip:b@127.0.0.1>;q=0.9\r\n"),
      now, cfg);
  ASSERT_EQ(r.bindings.size(), 2u);
  EXPECT_EQ(r.bindings[0].contact, "sip:b@127.0.0.1");
  EXPECT_EQ(r.bindings[0].q, 900);
  EXPECT_EQ(r.headers[1].second, "<sip:a@127.0.0.1>;expires=3600;q=0.5");
}

TEST(registrar, refresh_and_unregister_one) {
  std::vector<contact_binding> cur{
      {"sip:a@127.0.0.1", 1000, now + 10, "reg-1", 1},
      {"sip:b@127.0.0.1", 1000, now + 10, "x", 7}};
  auto r = core::apply_register(
      cur, reg("Contact: <sip:a@127.0.0.1>\r\n", "Expires: 300\r\n", 2), now,
      cfg);
  ASSERT_EQ(r.code, 200);
  EXPECT_EQ(r.bindings.size(), 2u);
  ASSERT_EQ(r.upserted.size(), 1u);
  EXPECT_EQ(r.upserted[0].expires_s, now + 300);
  r = core::apply_register(
      cur, reg("Contact: <sip:b@127.0.0.1>;expires=0\r\n", "", 3), now, cfg);
  ASSERT_EQ(r.code, 200);
  ASSERT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(r.removed[0], "sip:b@127.0.0.1");
  EXPECT_EQ(r.bindings.size(), 1u);
}

TEST(registrar, star_removes_all_only_with_expires_zero) {
  std::vector<contact_binding> cur{{"sip:a@127.0.0.1", 1000, now + 10, "o", 1},
                                   {"sip:b@127.0.0.1", 1000, now + 10, "o", 1}};
  auto r = core::apply_register(cur, reg("Contact: *\r\n", "Expires: 0\r\n"),
                                now, cfg);
  ASSERT_EQ(r.code, 200);
  EXPECT_TRUE(r.bindings.empty());
  EXPECT_EQ(r.removed.size(), 2u);
  EXPECT_EQ(core::apply_register(cur, reg("Contact: *\r\n"), now, cfg).code,
            400);
  EXPECT_EQ(
      core::apply_register(
          cur, reg("Contact: *, <sip:c@x>\r\n", "Expires: 0\r\n"), now, cfg)
          .code,
      400);
}

TEST(registrar, out_of_order_cseq_from_same_call_id_is_refused) {
  std::vector<contact_binding> cur{
      {"sip:a@127.0.0.1", 1000, now + 10, "reg-1", 5}};
  auto r = core::apply_register(
      cur, reg("Contact: <sip:a@127.0.0.1>\r\n", "", 5), now, cfg);
  EXPECT_EQ(r.code, 500);
  // Another Call-ID (the phone rebooted) may replace it.
  r = core::apply_register(
      cur, reg("Contact: <sip:a@127.0.0.1>\r\n", "", 1, "reboot"), now, cfg);
  EXPECT_EQ(r.code, 200);
}

TEST(registrar, query_lists_live_bindings_without_expired_ones) {
  std::vector<contact_binding> cur{
      {"sip:a@127.0.0.1", 1000, now + 10, "o", 1},
      {"sip:old@127.0.0.1", 1000, now - 1, "o", 1}};
  auto r = core::apply_register(cur, reg(""), now, cfg);
  ASSERT_EQ(r.code, 200);
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].contact, "sip:a@127.0.0.1");
}

TEST(registrar, url_parameters_stay_in_the_binding) {
  // RFC 4475 §3.3.13: inside <> the parameter is part of the URI.
  auto r = core::apply_register(
      {}, reg("Contact: <sip:+19725552222@gw1.example.net;unknownparam>\r\n"),
      now, cfg);
  ASSERT_EQ(r.code, 200);
  EXPECT_EQ(r.bindings[0].contact,
            "sip:+19725552222@gw1.example.net;unknownparam");
  // §3.3.12: without <> it is a header parameter, not part of the URI.
  r = core::apply_register(
      {}, reg("Contact: sip:+19725552222@gw1.example.net;unknownparam\r\n"),
      now, cfg);
  ASSERT_EQ(r.code, 200);
  EXPECT_EQ(r.bindings[0].contact, "sip:+19725552222@gw1.example.net");
}

TEST(registrar, too_many_contacts) {
  core::registrar_config small;
  small.max_bindings = 1;
  auto r = core::apply_register({}, reg("Contact: <sip:a@x>, <sip:b@x>\r\n"),
                                now, small);
  EXPECT_EQ(r.code, 403);
}

} // namespace

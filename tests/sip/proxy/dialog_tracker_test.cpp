// appliance/sip/proxy/dialog_tracker: RFC 4235 §3.7.1 states for busy lamps.

#include <gtest/gtest.h>

#include "appliance/sip/parser.hpp"
#include "appliance/sip/proxy/dialog_tracker.hpp"

using namespace ivm::sip;
using namespace ivm::sip::proxy;

namespace {

message msg(const std::string& start, const std::string& method,
            const std::string& to_tag, const std::string& from_tag = "c1",
            int cseq = 1) {
  bool swap = method == "BYE-back";
  std::string m = swap ? "BYE" : method;
  std::string from = swap ? "<sip:202@box.example>;tag=" + to_tag
                          : "\"Alice\" <sip:201@box.example>;tag=" + from_tag;
  std::string to = swap ? "<sip:201@box.example>;tag=" + from_tag
                        : "\"Bob\" <sip:202@box.example>" +
                              (to_tag.empty() ? "" : ";tag=" + to_tag);
  auto p =
      parse(start +
            "\r\n"
            "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-a\r\n"
            "From: " +
            from + "\r\nTo: " + to +
            "\r\n"
            "Call-ID: call-1\r\nCSeq: " +
            std::to_string(cseq) + " " + m + "\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(p) << (p ? "" : p.error().reason);
  return *p;
}

message invite() {
  return msg("INVITE sip:202@box.example SIP/2.0", "INVITE", "");
}

message response(int code, const std::string& to_tag) {
  return msg("SIP/2.0 " + std::to_string(code) + " X", "INVITE", to_tag);
}

dialog_state state_of(const dialog_tracker& t, const std::string& user) {
  auto v = t.dialogs_of(user);
  EXPECT_EQ(v.size(), 1u);
  return v.empty() ? dialog_state::terminated : v.front().state;
}

} // namespace

// RFC 4235 §3.7.1: trying -> early -> confirmed -> terminated.
TEST(dialog_tracker, call_lifecycle) {
  dialog_tracker t;
  ASSERT_TRUE(t.on_invite(invite(), "201", "202"));
  EXPECT_EQ(state_of(t, "201"), dialog_state::trying);
  EXPECT_FALSE(t.on_response(response(100, "")));
  EXPECT_FALSE(t.on_response(response(180, ""))); // no To tag: still trying
  EXPECT_TRUE(t.on_response(response(180, "d1")));
  EXPECT_EQ(state_of(t, "202"), dialog_state::early);
  EXPECT_TRUE(t.on_response(response(200, "d1")));
  EXPECT_EQ(state_of(t, "201"), dialog_state::confirmed);
  EXPECT_TRUE(t.on_request(
      msg("BYE sip:202@192.0.2.9 SIP/2.0", "BYE-back", "d1", "c1", 1)));
  EXPECT_EQ(state_of(t, "202"), dialog_state::terminated);
  EXPECT_EQ(t.purge_terminated(), 1u);
  EXPECT_TRUE(t.dialogs_of("201").empty());
}

TEST(dialog_tracker, views_per_user_with_direction_and_peer) {
  dialog_tracker t;
  t.on_invite(invite(), "201", "202");
  t.on_response(response(180, "d1"));
  auto caller = t.dialogs_of("201");
  ASSERT_EQ(caller.size(), 1u);
  EXPECT_EQ(caller[0].direction, dialog_direction::initiator);
  EXPECT_EQ(caller[0].peer_uri, "sip:202@box.example");
  EXPECT_EQ(caller[0].peer_display, "Bob");
  EXPECT_EQ(caller[0].local_tag, "c1");
  EXPECT_EQ(caller[0].remote_tag, "d1");
  auto callee = t.dialogs_of("202");
  ASSERT_EQ(callee.size(), 1u);
  EXPECT_EQ(callee[0].direction, dialog_direction::recipient);
  EXPECT_EQ(callee[0].peer_display, "Alice");
  EXPECT_EQ(callee[0].id, caller[0].id);
  EXPECT_TRUE(t.dialogs_of("203").empty());
  EXPECT_STREQ(to_string(callee[0].state), "early");
}

TEST(dialog_tracker, cancel_and_final_failure_terminate_early_dialogs) {
  dialog_tracker t;
  t.on_invite(invite(), "201", "202");
  t.on_response(response(180, "d1"));
  EXPECT_TRUE(
      t.on_request(msg("CANCEL sip:202@box.example SIP/2.0", "CANCEL", "")));
  EXPECT_EQ(state_of(t, "201"), dialog_state::terminated);
  dialog_tracker u;
  u.on_invite(invite(), "201", "");
  EXPECT_TRUE(u.on_response(response(486, "d2")));
  EXPECT_EQ(state_of(u, "201"), dialog_state::terminated);
}

// A forked INVITE: each To tag is its own early dialog; the 2xx confirms
// one, the final non-2xx of the transaction ends the rest.
TEST(dialog_tracker, forked_early_dialogs) {
  dialog_tracker t;
  t.on_invite(invite(), "201", "202");
  t.on_response(response(180, "d1"));
  t.on_response(response(183, "d2"));
  ASSERT_EQ(t.dialogs_of("201").size(), 2u);
  t.on_response(response(200, "d2"));
  auto v = t.dialogs_of("201");
  EXPECT_EQ(v[0].state, dialog_state::early);
  EXPECT_EQ(v[1].state, dialog_state::confirmed);
  EXPECT_TRUE(t.on_request(msg("BYE sip:202@192.0.2.9 SIP/2.0", "BYE", "d2")));
  EXPECT_EQ(t.dialogs_of("201")[1].state, dialog_state::terminated);
}

TEST(dialog_tracker, ignores_invites_without_from_tag_or_in_dialog) {
  dialog_tracker t;
  EXPECT_FALSE(t.on_invite(
      msg("INVITE sip:202@box.example SIP/2.0", "INVITE", "d1"), "201", "202"));
  EXPECT_TRUE(t.dialogs().empty());
}

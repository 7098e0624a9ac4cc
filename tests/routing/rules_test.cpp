// The call-routing rules (issue 18): parsing with named field errors, and
// decisions at faked times in a real time zone, across a DST change.

#include "appliance/routing/rules.hpp"

#include <gtest/gtest.h>

using namespace ivm::routing;

namespace {

const time_zone& berlin() {
  static time_zone z = *time_zone::load("Europe/Berlin");
  return z;
}

// Seconds since the epoch of a Berlin wall-clock time (offset given).
std::int64_t at(int y, int mo, int d, int h, int mi, int offset_h) {
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 -
         offset_h * 3600;
}

std::vector<rule> rules(const char* json) {
  auto r = parse_rules(json);
  EXPECT_TRUE(r) << (r ? "" : r.error().field + ": " + r.error().message);
  return r ? *r : std::vector<rule>{};
}

call_facts from(std::string caller, std::string presence = "available",
                bool contact = false) {
  return call_facts{std::move(caller), contact, std::move(presence)};
}

} // namespace

TEST(rules, no_rule_rings) {
  auto d = decide({}, profile{}, from("201"), 0, berlin());
  EXPECT_EQ(d.act, action::ring);
  EXPECT_EQ(d.rule, -1);
}

TEST(rules, evenings_forward_to_the_mobile_across_midnight) {
  auto r = rules(R"({"rules":[{"name":"evenings",
      "when":{"days":["mon","tue","wed","thu","fri"],"time":"18:00-08:00"},
      "action":"forward","to":"mobile"}]})");
  profile p;
  p.destinations["mobile"] = "01711234567";
  // Monday 2026-12-07 in Berlin (UTC+1).
  auto d = decide(r, p, from("201"), at(2026, 12, 7, 18, 30, 1), berlin());
  EXPECT_EQ(d.act, action::forward);
  EXPECT_EQ(d.to, "01711234567");
  EXPECT_EQ(d.rule_name, "evenings");
  // Tuesday 07:59 still evening (crosses midnight), 08:00 not.
  EXPECT_EQ(decide(r, p, from("201"), at(2026, 12, 8, 7, 59, 1), berlin()).act,
            action::forward);
  EXPECT_EQ(decide(r, p, from("201"), at(2026, 12, 8, 8, 0, 1), berlin()).act,
            action::ring);
  // Saturday evening: not a listed day.
  EXPECT_EQ(decide(r, p, from("201"), at(2026, 12, 12, 19, 0, 1), berlin()).act,
            action::ring);
  // Without the profile's "mobile" the rule does not apply.
  EXPECT_EQ(
      decide(r, profile{}, from("201"), at(2026, 12, 7, 18, 30, 1), berlin())
          .act,
      action::ring);
}

TEST(rules, local_time_follows_the_dst_change) {
  auto r = rules(R"({"rules":[{"when":{"time":"08:00-09:00"},
                               "action":"voicemail"}]})");
  // 07:30 UTC is 08:30 in winter (CET) and 09:30 in summer (CEST).
  auto winter = days_from_civil(2026, 3, 28) * 86400 + 7 * 3600 + 1800;
  auto summer = days_from_civil(2026, 3, 29) * 86400 + 7 * 3600 + 1800;
  EXPECT_EQ(decide(r, {}, from("1"), winter, berlin()).act, action::voicemail);
  EXPECT_EQ(decide(r, {}, from("1"), summer, berlin()).act, action::ring);
  // 06:30 UTC on the Sunday of the change is 08:30 CEST.
  EXPECT_EQ(decide(r, {}, from("1"), summer - 3600, berlin()).act,
            action::voicemail);
}

TEST(rules, the_first_matching_rule_wins_in_order) {
  auto r = rules(R"({"rules":[
      {"name":"boss","when":{"callers":["201"]},"action":"ring"},
      {"name":"busy","when":{"presence":["busy","dnd","on-the-phone"]},
       "action":"offer","fallback":"voicemail","timeout":15},
      {"name":"strangers","when":{"caller_is_contact":false},
       "action":"notify"}]})");
  auto t = at(2026, 12, 7, 10, 0, 1);
  EXPECT_EQ(decide(r, {}, from("201", "dnd"), t, berlin()).rule_name, "boss");
  auto d = decide(r, {}, from("202", "dnd", true), t, berlin());
  EXPECT_EQ(d.act, action::offer);
  EXPECT_EQ(d.timeout_s, 15u);
  EXPECT_EQ(decide(r, {}, from("202", "available", true), t, berlin()).rule,
            -1);
  EXPECT_EQ(decide(r, {}, from("+4930123", "available"), t, berlin()).act,
            action::notify);
}

TEST(rules, caller_patterns) {
  EXPECT_TRUE(caller_matches("+49*", "+4930123"));
  EXPECT_TRUE(caller_matches("20X", "203"));
  EXPECT_FALSE(caller_matches("20X", "2034"));
  EXPECT_FALSE(caller_matches("20X", "20a"));
  EXPECT_TRUE(caller_matches("*", ""));
  EXPECT_TRUE(caller_matches("alice", "Alice"));
  EXPECT_FALSE(caller_matches("201", "20"));
}

TEST(rules, dates_and_the_working_schedule) {
  auto r = rules(R"({"rules":[
      {"name":"holidays","when":{"dates":["2026-12-24..2026-12-26"]},
       "action":"deflect","to":"200"},
      {"name":"after hours","when":{"schedule":"out"},"action":"voicemail"}]})");
  auto p = parse_profile(
      R"({"hours":{"mon":["08:00-12:00","13:00-17:00"],"tue":["08:00-17:00"]},
          "exceptions":["2026-12-08"]})",
      profile{}, "salt");
  ASSERT_TRUE(p);
  auto act = [&](int mo, int d, int h, int mi) {
    return decide(r, *p, from("1"), at(2026, mo, d, h, mi, 1), berlin()).act;
  };
  EXPECT_EQ(act(12, 25, 10, 0), action::deflect);
  EXPECT_EQ(act(12, 7, 10, 0), action::ring);       // Monday, in hours
  EXPECT_EQ(act(12, 7, 12, 30), action::voicemail); // lunch
  EXPECT_EQ(act(12, 7, 17, 0), action::voicemail);  // the end is excluded
  EXPECT_EQ(act(12, 8, 10, 0), action::voicemail);  // an exception day
  EXPECT_EQ(act(12, 9, 10, 0), action::voicemail);  // no hours on Wednesday
}

TEST(rules, json_round_trips) {
  const char* doc = R"({"rules":[{"name":"n","enabled":false,
      "when":{"days":["sat","sun"],"time":"22:00-06:00",
              "dates":["2026-12-31","2027-01-01..2027-01-02"],
              "callers":["+49*"],"caller_is_contact":true,
              "presence":["offline"],"schedule":"in"},
      "action":"offer","fallback":"forward","fallback_to":"home",
      "timeout":30}]})";
  auto r = rules(doc);
  ASSERT_EQ(r.size(), 1u);
  auto again = rules(rules_json(r).c_str());
  EXPECT_EQ(rules_json(again), rules_json(r));
  EXPECT_NE(rules_json(r).find("\"2027-01-01..2027-01-02\""),
            std::string::npos);
  EXPECT_NE(rules_json(r).find("\"days\":[\"sun\",\"sat\"]"),
            std::string::npos);
}

TEST(rules, bad_rules_name_the_field) {
  auto field = [](const char* doc) {
    auto r = parse_rules(doc);
    return r ? std::string{"(accepted)"} : r.error().field;
  };
  EXPECT_EQ(field("nonsense"), "");
  EXPECT_EQ(field(R"({"rulez":[]})"), "rulez");
  EXPECT_EQ(field(R"({"rules":{}})"), "rules");
  EXPECT_EQ(field(R"({"rules":[{"action":"dance"}]})"), "rules[0].action");
  EXPECT_EQ(field(R"({"rules":[{"action":"ring"},{"action":"forward"}]})"),
            "rules[1].to");
  EXPECT_EQ(field(R"({"rules":[{"action":"ring","to":"200"}]})"),
            "rules[0].to");
  EXPECT_EQ(field(R"({"rules":[{"action":"forward","to":"20 0"}]})"),
            "rules[0].to");
  EXPECT_EQ(
      field(R"({"rules":[{"action":"ring","when":{"time":"25:00-08:00"}}]})"),
      "rules[0].when.time");
  EXPECT_EQ(
      field(R"({"rules":[{"action":"ring","when":{"time":"08:00-08:00"}}]})"),
      "rules[0].when.time");
  EXPECT_EQ(field(R"({"rules":[{"action":"ring","when":{"days":["fun"]}}]})"),
            "rules[0].when.days[0]");
  EXPECT_EQ(
      field(R"({"rules":[{"action":"ring","when":{"dates":["2026-02-30"]}}]})"),
      "rules[0].when.dates[0]");
  EXPECT_EQ(
      field(
          R"({"rules":[{"action":"ring","when":{"dates":["2026-03-02..2026-03-01"]}}]})"),
      "rules[0].when.dates[0]");
  EXPECT_EQ(
      field(R"({"rules":[{"action":"ring","when":{"presence":["sleepy"]}}]})"),
      "rules[0].when.presence[0]");
  EXPECT_EQ(
      field(R"({"rules":[{"action":"ring","when":{"callers":["2*0"]}}]})"),
      "rules[0].when.callers[0]");
  EXPECT_EQ(field(R"({"rules":[{"action":"ring","when":{"colour":"red"}}]})"),
            "rules[0].when.colour");
  EXPECT_EQ(field(R"({"rules":[{"action":"voicemail","fallback":"ring"}]})"),
            "rules[0].fallback");
  EXPECT_EQ(field(R"({"rules":[{"action":"offer","fallback":"ask"}]})"),
            "rules[0].fallback");
  EXPECT_EQ(field(R"({"rules":[{"action":"offer","fallback":"forward"}]})"),
            "rules[0].fallback_to");
  EXPECT_EQ(
      field(R"({"rules":[{"action":"forward","to":"2","fallback":"ring"}]})"),
      "rules[0].fallback");
  EXPECT_EQ(field(R"({"rules":[{"action":"ask","fallback":"ring"}]})"),
            "rules[0].fallback");
  EXPECT_EQ(field(R"({"rules":[{"action":"ask","to":"203"}]})"), "rules[0].to");
  EXPECT_EQ(field(R"({"rules":[{"action":"asks"}]})"), "rules[0].action");
  EXPECT_EQ(field(R"({"rules":[{"action":"offer","timeout":2}]})"),
            "rules[0].timeout");
  std::string many = R"({"rules":[)";
  for (int i = 0; i < 33; ++i)
    many += std::string{i ? "," : ""} + R"({"action":"ring"})";
  EXPECT_EQ(field((many + "]}").c_str()), "rules");
}

TEST(profile, pin_is_kept_hashed_and_never_shown) {
  auto p = parse_profile(R"({"pin":"4711","email":"bob@example.com",
                             "destinations":{"mobile":"+491711234567"}})",
                         profile{}, "s4lt");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->pin_hash.find("4711"), std::string::npos);
  EXPECT_TRUE(pin_matches(*p, "4711"));
  EXPECT_FALSE(pin_matches(*p, "4712"));
  EXPECT_FALSE(pin_matches(profile{}, ""));
  auto shown = profile_json(*p);
  EXPECT_EQ(shown.find("4711"), std::string::npos);
  EXPECT_EQ(shown.find("s4lt"), std::string::npos);
  EXPECT_NE(shown.find("\"pin_set\":true"), std::string::npos);
  auto back = decode_profile(encode_profile(*p));
  EXPECT_TRUE(pin_matches(back, "4711"));
  EXPECT_EQ(back.email, "bob@example.com");
  EXPECT_EQ(back.destinations.at("mobile"), "+491711234567");
  // A change keeps what it does not name; "" removes the PIN.
  auto q = parse_profile(R"({"pin":""})", back, "x");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->pin_hash.empty());
  EXPECT_EQ(q->email, "bob@example.com");
  EXPECT_EQ(decode_profile("garbage").email, "");
}

TEST(profile, bad_profiles_name_the_field) {
  auto field = [](const char* doc) {
    auto r = parse_profile(doc, profile{}, "s");
    return r ? std::string{"(accepted)"} : r.error().field;
  };
  EXPECT_EQ(field(R"({"pin":"12"})"), "pin");
  EXPECT_EQ(field(R"({"pin":"12ab"})"), "pin");
  EXPECT_EQ(field(R"({"pin":1234})"), "pin");
  EXPECT_EQ(field(R"({"email":"bob"})"), "email");
  EXPECT_EQ(field(R"({"email":"bob@x@y"})"), "email");
  EXPECT_EQ(field(R"({"email":"bob@ex ample.com"})"), "email");
  EXPECT_EQ(field(R"({"destinations":{"Mobile":"0171"}})"), "destinations");
  EXPECT_EQ(field(R"({"destinations":{"mobile":"call me"}})"),
            "destinations.mobile");
  EXPECT_EQ(field(R"({"hours":{"mon":["17:00-08:00"]}})"), "hours.mon[0]");
  EXPECT_EQ(field(R"({"hours":{"someday":[]}})"), "hours.someday");
  EXPECT_EQ(field(R"({"exceptions":["tomorrow"]})"), "exceptions[0]");
  EXPECT_EQ(field(R"({"delivery":"pigeon"})"), "delivery");
  EXPECT_EQ(field(R"({"nickname":"b"})"), "nickname");
  EXPECT_EQ(field(R"([1])"), "");
  EXPECT_EQ(field(R"({"email":""})"), "(accepted)");
}

TEST(rules, ask_the_caller_outside_hours_with_its_ring_time) {
  auto r = rules(R"({"rules":[{"action":"ask","when":{"schedule":"out"},
      "timeout":25}]})");
  profile p;
  p.hours[1] = {time_range{9 * 60, 17 * 60}}; // Monday 09:00-17:00
  // Monday 2026-12-07 20:00 in Berlin (UTC+1): outside the hours.
  auto d = decide(r, p, from("201"), at(2026, 12, 7, 20, 0, 1), berlin());
  EXPECT_EQ(d.act, action::ask);
  EXPECT_EQ(d.timeout_s, 25u);
  d = decide(r, p, from("201"), at(2026, 12, 7, 10, 0, 1), berlin());
  EXPECT_EQ(d.act, action::ring);
  EXPECT_EQ(rules(rules_json(r).c_str()).front().act, action::ask);
}

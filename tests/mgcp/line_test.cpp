// The line endpoint state machine (appliance/mgcp/line.hpp): what it asks
// the gateway for in each phase, and what it tells its owner.

#include <gtest/gtest.h>

#include "appliance/mgcp/line.hpp"

namespace mgcp = ivm::mgcp;
namespace ev = mgcp::line_events;
namespace fx = mgcp::line_effects;
using clock_type = std::chrono::steady_clock;

namespace {

struct line {
  mgcp::line_state s;
  mgcp::line_settings cfg;
  clock_type::time_point now{};

  std::vector<mgcp::line_effect> operator()(const mgcp::line_event& e) {
    return mgcp::step(s, e, now, cfg);
  }

  // The gateway notifies `observed` for the request in force.
  std::vector<mgcp::line_effect> notify(const char* observed) {
    auto o = mgcp::parse_event_list(observed);
    EXPECT_TRUE(o);
    return (*this)(ev::notified{s.request_id, *o});
  }
};

// A line whose phone was found on-hook after a restart.
line idle_line() {
  line l;
  l(ev::restarted{});
  l.notify("L/hu");
  return l;
}

// The same, then lifted: dial tone, collecting digits.
line dialling_line() {
  auto l = idle_line();
  l.notify("L/hd");
  return l;
}

template <class T>
const T* find(const std::vector<mgcp::line_effect>& fx) {
  for (auto& f : fx)
    if (auto p = std::get_if<T>(&f))
      return p;
  return nullptr;
}

const fx::request& request_of(const std::vector<mgcp::line_effect>& effects) {
  auto r = find<fx::request>(effects);
  EXPECT_NE(r, nullptr);
  static fx::request none;
  return r ? *r : none;
}

} // namespace

TEST(MgcpLine, RestartAsksForTheHookThenIdles) {
  line l;
  auto fx1 = l(ev::restarted{});
  auto& r = request_of(fx1);
  EXPECT_EQ(r.body.requested_events, "L/hd(N), L/hu(N)");
  EXPECT_EQ(r.body.signals, "L/vmwi(-)"); // the lamp is set either way
  EXPECT_EQ(l.s.phase, mgcp::line_phase::unknown);
  auto fx2 = l.notify("L/hu");
  EXPECT_EQ(l.s.phase, mgcp::line_phase::idle);
  ASSERT_NE(find<fx::hook>(fx2), nullptr);
  EXPECT_FALSE(find<fx::hook>(fx2)->off);
  EXPECT_EQ(request_of(fx2).body.requested_events, "L/hd(N)");
  EXPECT_EQ(request_of(fx2).body.signals, "");
  EXPECT_NE(request_of(fx2).request_id, r.request_id);
}

TEST(MgcpLine, OffHookDialToneDigitsDialled) {
  line l;
  l(ev::restarted{});
  l.notify("L/hu");
  auto fx1 = l.notify("L/hd");
  EXPECT_TRUE(find<fx::hook>(fx1)->off);
  EXPECT_EQ(l.s.phase, mgcp::line_phase::dialing);
  auto& r = request_of(fx1);
  EXPECT_EQ(r.body.signals, "L/dl");
  EXPECT_EQ(r.body.requested_events, "L/hu(N), L/hf(N), D/[0-9#*T](D)");
  EXPECT_EQ(r.body.digit_map, l.cfg.digit_map);
  auto fx2 = l.notify("D/*,D/8");
  ASSERT_NE(find<fx::dialled>(fx2), nullptr);
  EXPECT_EQ(find<fx::dialled>(fx2)->digits, "*8");
  EXPECT_EQ(l.s.phase, mgcp::line_phase::connected);
  // Keys during the session go to the owner one by one.
  auto fx3 = l.notify("D/1,D/#");
  std::string keys;
  for (auto& f : fx3)
    if (auto k = std::get_if<fx::key>(&f))
      keys += k->digit;
  EXPECT_EQ(keys, "1#");
  // Hanging up ends the session.
  auto fx4 = l.notify("L/hu");
  EXPECT_NE(find<fx::hung_up>(fx4), nullptr);
  EXPECT_EQ(l.s.phase, mgcp::line_phase::idle);
}

TEST(MgcpLine, IntercomListEndsWithHashOrTimer) {
  auto l = dialling_line();
  auto fx1 = l.notify("D/*,D/9,D/2,D/0,D/2,D/2,D/0,D/3,D/#");
  ASSERT_NE(find<fx::dialled>(fx1), nullptr);
  EXPECT_EQ(find<fx::dialled>(fx1)->digits, "*9202203#");
  auto m = dialling_line();
  auto fx2 = m.notify("D/2,D/0,D/5");
  ASSERT_NE(find<fx::dialled>(fx2), nullptr);
  EXPECT_EQ(find<fx::dialled>(fx2)->digits, "205");
  auto t = dialling_line();
  auto fx3 = t.notify("D/*,D/9,D/2,D/0,D/2,D/T");
  ASSERT_NE(find<fx::dialled>(fx3), nullptr);
  EXPECT_EQ(find<fx::dialled>(fx3)->digits, "*9202");
}

TEST(MgcpLine, WrongNumberPlaysReorderUntilOnHook) {
  auto l = dialling_line();
  auto fx1 = l.notify("D/*,D/5,D/5");
  EXPECT_EQ(find<fx::dialled>(fx1), nullptr);
  EXPECT_EQ(l.s.phase, mgcp::line_phase::reorder);
  EXPECT_EQ(request_of(fx1).body.signals, "L/ro");
  l.notify("L/hu");
  EXPECT_EQ(l.s.phase, mgcp::line_phase::idle);
}

TEST(MgcpLine, RingingShowsTheCaller) {
  auto l = idle_line();
  auto fx = l(ev::ring{"12/07/09/30,202,\"Bob\""});
  EXPECT_EQ(request_of(fx).body.signals, "L/rg, L/ci(12/07/09/30,202,\"Bob\")");
  // What the gateway is sent reads back as two signals, the second with
  // its three parameters (RFC 3660 L/ci).
  auto sigs = mgcp::parse_event_list(request_of(fx).body.signals);
  ASSERT_TRUE(sigs);
  ASSERT_EQ(sigs->size(), 2u);
  EXPECT_EQ((*sigs)[1].params.size(), 3u);
  l.notify("L/hd");
  EXPECT_TRUE(l.s.caller_id.empty()); // answered: gone with the ring
}

TEST(MgcpLine, RingAnswerAndTimeout) {
  auto l = idle_line();
  auto fx1 = l(ev::ring{});
  EXPECT_EQ(l.s.phase, mgcp::line_phase::ringing);
  EXPECT_EQ(request_of(fx1).body.signals, "L/rg");
  EXPECT_EQ(request_of(fx1).body.requested_events, "L/hd(N)");
  EXPECT_TRUE(l(ev::ring{}).empty()); // already ringing
  auto fx2 = l.notify("L/hd");
  EXPECT_NE(find<fx::answered>(fx2), nullptr);
  EXPECT_EQ(l.s.phase, mgcp::line_phase::connected);
  EXPECT_EQ(request_of(fx2).body.signals, ""); // ringing stops
  // The far end leaves: reorder until the user hangs up.
  auto fx3 = l(ev::released{});
  EXPECT_EQ(l.s.phase, mgcp::line_phase::reorder);
  l.notify("L/hu");

  l(ev::ring{});
  l.now += std::chrono::seconds{59};
  EXPECT_TRUE(l(ev::tick{}).empty());
  l.now += std::chrono::seconds{1};
  auto fx4 = l(ev::tick{});
  EXPECT_NE(find<fx::unanswered>(fx4), nullptr);
  EXPECT_EQ(l.s.phase, mgcp::line_phase::idle);
  // Ringing a phone in use: unanswered at once.
  l.notify("L/hd");
  EXPECT_NE(find<fx::unanswered>(l(ev::ring{})), nullptr);
}

TEST(MgcpLine, LampFollowsTheOwnerButNotWhileDialling) {
  auto l = idle_line();
  auto fx1 = l(ev::lamp{true});
  EXPECT_EQ(request_of(fx1).body.signals, "L/vmwi(+)");
  EXPECT_TRUE(l(ev::lamp{true}).empty()); // no change, no request
  l.notify("L/hd");
  EXPECT_TRUE(l(ev::lamp{false}).empty()); // dialling: deferred
  auto fx2 = l.notify("D/2,D/0,D/5");
  EXPECT_EQ(request_of(fx2).body.signals, "L/vmwi(-)");
  // A gateway restart loses the lamp: it is set again.
  l(ev::lamp{true});
  auto fx3 = l(ev::restarted{});
  EXPECT_EQ(request_of(fx3).body.signals, "L/vmwi(+)");
}

TEST(MgcpLine, StaleNotificationsAndRestartsMidSession) {
  line l;
  l(ev::restarted{});
  auto old = l.s.request_id;
  l.notify("L/hu");
  auto stale = mgcp::parse_event_list("L/hd");
  EXPECT_TRUE(l(ev::notified{old, *stale}).empty());
  EXPECT_EQ(l.s.phase, mgcp::line_phase::idle);
  l(ev::ring{});
  l.notify("L/hd");
  // The gateway restarts during the session: the owner ends it.
  auto fx1 = l(ev::restarted{});
  EXPECT_NE(find<fx::hung_up>(fx1), nullptr);
  EXPECT_EQ(l.s.phase, mgcp::line_phase::unknown);
  // Restarting while ringing keeps ringing.
  l.notify("L/hu");
  l(ev::ring{});
  auto fx2 = l(ev::restarted{});
  EXPECT_EQ(l.s.phase, mgcp::line_phase::ringing);
  EXPECT_NE(request_of(fx2).body.signals.find("L/rg"), std::string::npos);
}

// A call the user made rings at the far end: ringback tone (L/rt) while it
// rings, stopped (an empty S:) when it is answered; gone with the call.
TEST(MgcpLine, RingbackWhileTheFarEndRings) {
  namespace ev = ivm::mgcp::line_events;
  namespace fx = ivm::mgcp::line_effects;
  ivm::mgcp::line_state s;
  auto now = std::chrono::steady_clock::time_point{};
  ivm::mgcp::step(s, ev::notified{s.request_id, {}}, now);
  s.phase = ivm::mgcp::line_phase::connected;
  s.off_hook = true;
  auto on = ivm::mgcp::step(s, ev::ringback{true}, now);
  ASSERT_EQ(on.size(), 1u);
  EXPECT_EQ(std::get<fx::request>(on[0]).body.signals, "L/rt");
  EXPECT_TRUE(ivm::mgcp::step(s, ev::ringback{true}, now).empty()); // same
  auto off = ivm::mgcp::step(s, ev::ringback{false}, now);
  ASSERT_EQ(off.size(), 1u);
  EXPECT_EQ(std::get<fx::request>(off[0]).body.signals, "");
  ivm::mgcp::step(s, ev::ringback{true}, now);
  ivm::mgcp::step(s, ev::released{}, now);
  EXPECT_FALSE(s.ringback);
  EXPECT_EQ(s.phase, ivm::mgcp::line_phase::reorder);
}

// A session the gateway ended (restart) is "cut", one the user ended is
// not: the owner tells the user only of the former.
TEST(MgcpLine, HangUpByTheGatewayIsACut) {
  namespace ev = ivm::mgcp::line_events;
  namespace fx = ivm::mgcp::line_effects;
  auto now = std::chrono::steady_clock::time_point{};
  ivm::mgcp::line_state s;
  s.phase = ivm::mgcp::line_phase::connected;
  s.off_hook = true;
  auto fx1 = ivm::mgcp::step(s, ev::restarted{}, now);
  ASSERT_FALSE(fx1.empty());
  ASSERT_TRUE(std::holds_alternative<fx::hung_up>(fx1[0]));
  EXPECT_TRUE(std::get<fx::hung_up>(fx1[0]).cut);
  ivm::mgcp::line_state u;
  u.phase = ivm::mgcp::line_phase::connected;
  u.off_hook = true;
  u.request_id = "7";
  auto obs = ivm::mgcp::parse_event_list("L/hu");
  bool user_cut = true;
  for (auto& f : ivm::mgcp::step(u, ev::notified{"7", *obs}, now))
    if (auto h = std::get_if<fx::hung_up>(&f))
      user_cut = h->cut;
  EXPECT_FALSE(user_cut);
}

// A call the callee refused as busy ends in busy tone (L/bz), any other
// end in reorder; back on hook, the next reorder is plain again.
TEST(MgcpLine, BusyCalleeGivesBusyTone) {
  namespace ev = ivm::mgcp::line_events;
  namespace fx = ivm::mgcp::line_effects;
  ivm::mgcp::line_state s;
  auto now = std::chrono::steady_clock::time_point{};
  s.phase = ivm::mgcp::line_phase::connected;
  s.off_hook = true;
  auto busy = ivm::mgcp::step(s, ev::released{true}, now);
  ASSERT_EQ(busy.size(), 1u);
  EXPECT_EQ(std::get<fx::request>(busy[0]).body.signals, "L/bz");
  EXPECT_TRUE(s.busy);
  s.phase = ivm::mgcp::line_phase::connected;
  auto other = ivm::mgcp::step(s, ev::released{false}, now);
  EXPECT_EQ(std::get<fx::request>(other[0]).body.signals, "L/ro");
  EXPECT_FALSE(s.busy);
}

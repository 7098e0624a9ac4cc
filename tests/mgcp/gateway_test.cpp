// The call agent's view of one gateway (appliance/mgcp/gateway.hpp): coming
// up, restarts, notifications, lost datagrams, a gateway that goes silent.

#include <gtest/gtest.h>

#include <map>

#include "appliance/mgcp/gateway.hpp"

namespace mgcp = ivm::mgcp;
using ms = mgcp::millis;

namespace {

mgcp::gateway_config config() {
  mgcp::gateway_config c;
  c.domain = "gw1.example.net";
  c.lines = {"aaln/1", "aaln/2"};
  c.notified_entity = "ca@127.0.0.1:2727";
  return c;
}

std::vector<mgcp::command> commands(const mgcp::gateway_session::output& out) {
  std::vector<mgcp::command> cs;
  for (auto& d : out.datagrams) {
    auto m = mgcp::parse(d);
    EXPECT_TRUE(m) << d;
    if (m)
      for (auto& x : *m)
        if (auto c = std::get_if<mgcp::command>(&x))
          cs.push_back(*c);
  }
  return cs;
}

std::vector<mgcp::response>
responses(const mgcp::gateway_session::output& out) {
  std::vector<mgcp::response> rs;
  for (auto& d : out.datagrams) {
    auto m = mgcp::parse(d);
    if (m)
      for (auto& x : *m)
        if (auto r = std::get_if<mgcp::response>(&x))
          rs.push_back(*r);
  }
  return rs;
}

std::string ok(std::uint32_t tid, int code = 200) {
  return mgcp::serialize(mgcp::make_response(tid, code));
}

template <class T>
const T* effect(const mgcp::gateway_session::output& out, const char* line) {
  for (auto& [l, e] : out.effects)
    if (l == line)
      if (auto p = std::get_if<T>(&e))
        return p;
  return nullptr;
}

// A session brought up by an RSIP restart, its RQNTs answered.
mgcp::gateway_session up_session(ms now = ms{0}) {
  mgcp::gateway_session s{config(), now};
  auto out = s.on_datagram("RSIP 100 aaln/*@gw1.example.net MGCP 1.0\r\n"
                           "RM: restart\r\n",
                           now);
  for (auto& c : commands(out))
    s.on_datagram(ok(c.transaction), now);
  return s;
}

} // namespace

TEST(MgcpGateway, AnAuditAnsweredBringsItUpAndResyncsTheLines) {
  mgcp::gateway_session s{config(), ms{0}};
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::registering);
  auto probe = commands(s.on_tick(ms{0}));
  ASSERT_EQ(probe.size(), 1u);
  EXPECT_EQ(probe[0].what, mgcp::verb::auep);
  EXPECT_EQ(probe[0].endpoint, "aaln/1@gw1.example.net");
  auto out = s.on_datagram(ok(probe[0].transaction), ms{50});
  EXPECT_TRUE(out.phase_changed);
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::up);
  auto rq = commands(out);
  ASSERT_EQ(rq.size(), 2u);
  for (auto& c : rq) {
    EXPECT_EQ(c.what, mgcp::verb::rqnt);
    EXPECT_EQ(*c.param("N"), "ca@127.0.0.1:2727");
    EXPECT_EQ(*c.param("R"), "L/hd(N), L/hu(N)");
    EXPECT_EQ(*c.param("S"), "L/vmwi(-)");
    EXPECT_FALSE(c.param("X")->empty());
  }
  EXPECT_EQ(rq[0].endpoint, "aaln/1@gw1.example.net");
  EXPECT_EQ(rq[1].endpoint, "aaln/2@gw1.example.net");
}

TEST(MgcpGateway, RestartAnsweredThenNotificationsDriveTheLine) {
  mgcp::gateway_session s{config(), ms{0}};
  auto out = s.on_datagram("RSIP 100 aaln/*@gw1.example.net MGCP 1.0\r\n"
                           "RM: restart\r\n",
                           ms{0});
  auto rs = responses(out);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].code, 200);
  EXPECT_EQ(rs[0].transaction, 100u);
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::up);
  auto rq = commands(out);
  ASSERT_EQ(rq.size(), 2u);
  for (auto& c : rq)
    s.on_datagram(ok(c.transaction), ms{1});
  EXPECT_EQ(s.pending(), 0u);

  // Off-hook on line 1: answered 200, then dial tone and the digit map.
  auto x = s.line("aaln/1")->request_id;
  auto hd = s.on_datagram("NTFY 200 aaln/1@gw1.example.net MGCP 1.0\r\n"
                          "X: " +
                              x + "\r\nO: L/hd\r\n",
                          ms{10});
  ASSERT_EQ(responses(hd).size(), 1u);
  EXPECT_EQ(responses(hd)[0].code, 200);
  ASSERT_NE(effect<mgcp::line_effects::hook>(hd, "aaln/1"), nullptr);
  auto dial = commands(hd);
  ASSERT_EQ(dial.size(), 1u);
  EXPECT_EQ(*dial[0].param("S"), "L/dl");
  EXPECT_TRUE(dial[0].param("D"));
  s.on_datagram(ok(dial[0].transaction), ms{11});
  // The same NTFY again (our 200 was lost): answered again, not run again.
  auto again = s.on_datagram("NTFY 200 aaln/1@gw1.example.net MGCP 1.0\r\n"
                             "X: " +
                                 x + "\r\nO: L/hd\r\n",
                             ms{12});
  ASSERT_EQ(responses(again).size(), 1u);
  EXPECT_TRUE(again.effects.empty());
  EXPECT_TRUE(commands(again).empty());
  // Digits.
  auto x2 = s.line("aaln/1")->request_id;
  auto dd = s.on_datagram("NTFY 201 aaln/1@gw1.example.net MGCP 1.0\r\n"
                          "X: " +
                              x2 + "\r\nO: D/*,D/8\r\n",
                          ms{20});
  auto d = effect<mgcp::line_effects::dialled>(dd, "aaln/1");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->digits, "*8");
}

TEST(MgcpGateway, ANotifyBeforeAnyRestartBringsItUpAndResyncs) {
  // The box restarted; the gateway did not: its first word is a NTFY for
  // a request of the box's previous life.
  mgcp::gateway_session s{config(), ms{0}};
  auto out = s.on_datagram("NTFY 9 aaln/2@gw1.example.net MGCP 1.0\r\n"
                           "X: 77\r\nO: L/hd\r\n",
                           ms{1});
  ASSERT_EQ(responses(out).size(), 1u);
  EXPECT_EQ(responses(out)[0].code, 200);
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::up);
  auto rq = commands(out);
  ASSERT_EQ(rq.size(), 2u);
  EXPECT_EQ(*rq[1].param("R"), "L/hd(N), L/hu(N)");
}

TEST(MgcpGateway, LostDatagramsAreSentAgainAndSilenceTakesItDown) {
  auto s = up_session();
  auto out = s.on_line("aaln/2", mgcp::line_events::lamp{true}, ms{100});
  auto rq = commands(out);
  ASSERT_EQ(rq.size(), 1u);
  EXPECT_EQ(*rq[0].param("S"), "L/vmwi(+)");
  // Not answered: the same datagram again after 200 ms, then 400, ...
  EXPECT_TRUE(s.on_tick(ms{299}).datagrams.empty());
  auto re = s.on_tick(ms{300});
  ASSERT_EQ(re.datagrams.size(), 1u);
  EXPECT_EQ(re.datagrams[0], out.datagrams[0]);
  // Still nothing after all 8 sends: the gateway is down.
  ms now{300};
  for (int i = 0; i < 20 && s.phase() == mgcp::gateway_phase::up; ++i) {
    now = s.next_tick();
    s.on_tick(now);
  }
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::down);
  // A ring now is unanswered at once.
  auto ring = s.on_line("aaln/1", mgcp::line_events::ring{}, now);
  EXPECT_NE(effect<mgcp::line_effects::unanswered>(ring, "aaln/1"), nullptr);
  // It is probed; when it answers it is up and every line is set again,
  // the lamp included.
  mgcp::command probe;
  for (int i = 0; i < 10 && probe.transaction == 0; ++i) {
    now = s.next_tick();
    for (auto& c : commands(s.on_tick(now)))
      if (c.what == mgcp::verb::auep)
        probe = c;
  }
  ASSERT_NE(probe.transaction, 0u);
  auto back = s.on_datagram(ok(probe.transaction), now);
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::up);
  bool lamp = false;
  for (auto& c : commands(back))
    lamp = lamp || (c.endpoint == "aaln/2@gw1.example.net" &&
                    *c.param("S") == "L/vmwi(+)");
  EXPECT_TRUE(lamp);
}

TEST(MgcpGateway, ForcedRestartEndsSessions) {
  auto s = up_session();
  auto x = s.line("aaln/1")->request_id;
  s.on_datagram("NTFY 300 aaln/1@gw1.example.net MGCP 1.0\r\nX: " + x +
                    "\r\nO: L/hd\r\n",
                ms{5});
  s.on_line("aaln/1", mgcp::line_events::connected{}, ms{6});
  EXPECT_EQ(s.line("aaln/1")->phase, mgcp::line_phase::connected);
  auto out = s.on_datagram("RSIP 301 aaln/*@gw1.example.net MGCP 1.0\r\n"
                           "RM: forced\r\n",
                           ms{7});
  EXPECT_EQ(responses(out)[0].code, 200);
  EXPECT_NE(effect<mgcp::line_effects::hung_up>(out, "aaln/1"), nullptr);
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::down);
  auto bad = s.on_datagram("RSIP 302 aaln/*@gw1.example.net MGCP 1.0\r\n"
                           "RM: sideways\r\n",
                           ms{8});
  EXPECT_EQ(responses(bad)[0].code, 536);
}

TEST(MgcpGateway, OffHookAnswerToARingCorrectsTheLine) {
  auto s = up_session();
  auto ring = commands(s.on_line("aaln/1", mgcp::line_events::ring{}, ms{10}));
  ASSERT_EQ(ring.size(), 1u);
  EXPECT_EQ(*ring[0].param("S"), "L/rg");
  // 401: the phone is off-hook already (someone picked it up).
  auto out = s.on_datagram(ok(ring[0].transaction, 401), ms{20});
  EXPECT_NE(effect<mgcp::line_effects::answered>(out, "aaln/1"), nullptr);
  EXPECT_TRUE(s.line("aaln/1")->off_hook);
}

TEST(MgcpGateway, BadInputGetsAnErrorOrNothing) {
  auto s = up_session();
  auto out = s.on_datagram("NTFY 400 aaln/9@gw1.example.net MGCP 1.0\r\n"
                           "O: L/hd\r\n",
                           ms{1});
  EXPECT_EQ(responses(out)[0].code, 500);
  auto v = s.on_datagram("NTFY 401 aaln/1@gw1.example.net MGCP 3.0\r\n", ms{2});
  EXPECT_EQ(responses(v)[0].code, 528);
  EXPECT_TRUE(s.on_datagram("\x01\x02garbage", ms{3}).datagrams.empty());
  auto crcx =
      s.on_datagram("CRCX 402 aaln/1@gw1.example.net MGCP 1.0\r\n", ms{4});
  EXPECT_EQ(responses(crcx)[0].code, 504);
  // A response to nothing we sent changes nothing.
  EXPECT_TRUE(s.on_datagram(ok(777777), ms{5}).datagrams.empty());
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::up);
}

// The owner's connection commands (CRCX, MDCX, DLCX): sent on the line's
// endpoint, answered back by transaction id; never answered: 406.
TEST(MgcpGateway, OwnerCommandsComeBackWithTheirAnswers) {
  auto s = up_session();
  mgcp::gateway_session::output out;
  mgcp::command c;
  c.what = mgcp::verb::crcx;
  c.params.push_back({"C", "abc"});
  c.params.push_back({"M", "sendrecv"});
  auto tid = s.command_for(out, "aaln/1", c, ms{10});
  ASSERT_NE(tid, 0u);
  auto sent = commands(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].what, mgcp::verb::crcx);
  EXPECT_EQ(sent[0].endpoint, "aaln/1@gw1.example.net");
  auto answer = mgcp::make_response(tid, 200);
  answer.params.push_back({"I", "F3"});
  answer.sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n";
  auto back = s.on_datagram(mgcp::serialize(answer), ms{20});
  ASSERT_EQ(back.answers.size(), 1u);
  EXPECT_EQ(back.answers[0].transaction, tid);
  EXPECT_EQ(back.answers[0].code, 200);
  ASSERT_TRUE(back.answers[0].param("I"));
  EXPECT_EQ(*back.answers[0].param("I"), "F3");
  EXPECT_NE(back.answers[0].sdp.find("m=audio 4000"), std::string::npos);
  // The same answer again (retransmitted by the gateway): not twice.
  EXPECT_TRUE(s.on_datagram(mgcp::serialize(answer), ms{30}).answers.empty());
  // Unknown line, or the gateway not up: nothing sent.
  mgcp::gateway_session::output none;
  EXPECT_EQ(s.command_for(none, "aaln/9", c, ms{40}), 0u);
  EXPECT_TRUE(none.datagrams.empty());
  mgcp::gateway_session fresh{config(), ms{0}};
  EXPECT_EQ(fresh.command_for(none, "aaln/1", c, ms{0}), 0u);
  // Never answered: retransmitted, then given up with 406.
  mgcp::gateway_session::output lost;
  auto t2 = s.command_for(lost, "aaln/2", c, ms{100});
  std::vector<mgcp::response> gave_up;
  for (ms now{100}; now < ms{60000} && gave_up.empty(); now += ms{100})
    for (auto& r : s.on_tick(now).answers)
      gave_up.push_back(r);
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(gave_up[0].transaction, t2);
  EXPECT_EQ(gave_up[0].code, 406);
}

// Stations come and go: a line added while the gateway is up is asked for
// its events at once; a removed line is no longer resynchronised.
TEST(MgcpGateway, LinesAddedAndRemovedWhileUp) {
  auto s = up_session();
  auto out = s.add_line("aaln/3", ms{10});
  auto cs = commands(out);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].what, mgcp::verb::rqnt);
  EXPECT_EQ(cs[0].endpoint, "aaln/3@gw1.example.net");
  EXPECT_TRUE(commands(s.add_line("aaln/3", ms{20})).empty()); // known
  s.remove_line("aaln/3");
  EXPECT_EQ(s.line("aaln/3"), nullptr);
  auto again = s.on_datagram("RSIP 101 aaln/*@gw1.example.net MGCP 1.0\r\n"
                             "RM: restart\r\n",
                             ms{30});
  for (auto& c : commands(again))
    EXPECT_NE(c.endpoint, "aaln/3@gw1.example.net");
}

// After a restart the box asks each line's hook state (AUEP F: ES): a phone
// already off-hook gets its dial tone at once, an on-hook one is idle.
TEST(MgcpGateway, HookStatesAreAuditedAfterARestart) {
  auto cfg = config();
  cfg.audit_hook = true;
  mgcp::gateway_session s{cfg, ms{0}};
  auto out = s.on_datagram("RSIP 100 aaln/*@gw1.example.net MGCP 1.0\r\n"
                           "RM: restart\r\n",
                           ms{0});
  std::map<std::string, std::uint32_t> audits;
  for (auto& c : commands(out)) {
    if (c.what == mgcp::verb::auep) {
      ASSERT_TRUE(c.param("F"));
      EXPECT_EQ(*c.param("F"), "ES");
      audits[c.endpoint] = c.transaction;
    } else {
      s.on_datagram(ok(c.transaction), ms{1});
    }
  }
  ASSERT_EQ(audits.size(), 2u);
  auto answer = [&](const char* ep, const char* es) {
    auto r = mgcp::make_response(audits[ep], 200);
    r.params.push_back({"ES", es});
    return s.on_datagram(mgcp::serialize(r), ms{5});
  };
  auto off = answer("aaln/1@gw1.example.net", "L/hd");
  auto hook = effect<mgcp::line_effects::hook>(off, "aaln/1");
  ASSERT_NE(hook, nullptr);
  EXPECT_TRUE(hook->off);
  auto dial = commands(off);
  ASSERT_EQ(dial.size(), 1u);
  EXPECT_EQ(*dial[0].param("S"), "L/dl");
  EXPECT_EQ(s.line("aaln/1")->phase, mgcp::line_phase::dialing);
  auto on = answer("aaln/2@gw1.example.net", "L/hu");
  EXPECT_TRUE(commands(on).empty());
  EXPECT_TRUE(on.effects.empty());
  EXPECT_EQ(s.line("aaln/2")->phase, mgcp::line_phase::idle);
}

// appliance/megaco gateway session, driven as an H.248 gateway would: its
// ServiceChange, Notifies of the hook and digits, replies to the box's Add,
// Modify and Subtract; repeats, silence and garbage. Each message the
// session writes is read back by the box's own decoder and checked for what
// it asks of the gateway.

#include <gtest/gtest.h>

#include "appliance/megaco/display.hpp"
#include "appliance/megaco/gateway.hpp"

namespace megaco = ivm::megaco;
namespace mgcp = ivm::mgcp;
using megaco::millis;

namespace {

const std::string gw = "MEGACO/1 [192.0.2.10]:2944\n";

megaco::gateway_config config() {
  megaco::gateway_config c;
  c.mid = "[192.0.2.1]:2944";
  c.lines = {"line/1", "line/2"};
  return c;
}

/// The requests of the datagrams in `out` (replies skipped).
std::vector<megaco::request>
requests(const megaco::gateway_session::output& out) {
  std::vector<megaco::request> rs;
  for (auto& d : out.datagrams) {
    auto m = megaco::decode(d);
    EXPECT_TRUE(m) << d;
    if (!m)
      continue;
    for (auto& t : m->transactions)
      if (auto r = std::get_if<megaco::request>(&t))
        rs.push_back(*r);
  }
  return rs;
}

/// The replies in `out`.
std::vector<megaco::reply> replies(const megaco::gateway_session::output& out) {
  std::vector<megaco::reply> rs;
  for (auto& d : out.datagrams)
    if (auto m = megaco::decode(d))
      for (auto& t : m->transactions)
        if (auto r = std::get_if<megaco::reply>(&t))
          rs.push_back(*r);
  return rs;
}

/// The Modify for `line` among `rs`, if any.
const megaco::command* modify_of(const std::vector<megaco::request>& rs,
                                 const std::string& line) {
  for (auto& r : rs)
    for (auto& a : r.actions)
      for (auto& c : a.commands)
        if (c.what == megaco::verb::modify && c.termination == line)
          return &c;
  return nullptr;
}

std::string names(const megaco::node& list) {
  std::string out;
  for (auto& c : list.children)
    out += (out.empty() ? "" : ",") + c.name;
  return out;
}

const megaco::node* descriptor(const megaco::command& c, const char* name) {
  for (auto& d : c.descriptors)
    if (d.is(name))
      return &d;
  return nullptr;
}

std::string notify(std::uint32_t id, const std::string& line,
                   const std::string& rid, const std::string& events) {
  return gw + "Transaction = " + std::to_string(id) + " { Context = - { " +
         "Notify = " + line + " { ObservedEvents = " + rid + " { " + events +
         " } } } }";
}

class session : public ::testing::Test {
protected:
  /// Restarted: the gateway said ServiceChange Restart; returns the output.
  megaco::gateway_session::output restart() {
    return s.on_datagram(gw + "Transaction = 9998 { Context = - { "
                              "ServiceChange = ROOT { Services { Method = "
                              "Restart, ServiceChangeAddress = 2944, Profile "
                              "= resgw/1, Reason = \"901 Cold Boot\" } } } }",
                         now);
  }
  /// The RequestID of the Modify in force for `line` in `out`.
  std::string rid(const megaco::gateway_session::output& out,
                  const std::string& line) {
    auto rs = requests(out);
    auto* m = modify_of(rs, line);
    EXPECT_NE(m, nullptr);
    auto* e = m ? descriptor(*m, "Events") : nullptr;
    return e ? e->value : "";
  }
  /// Answers every request in `out` with an empty reply.
  void ack_all(const megaco::gateway_session::output& out) {
    for (auto& r : requests(out))
      s.on_datagram(gw + "Reply = " + std::to_string(r.id) +
                        " { Context = - { Modify = line/1 } }",
                    now);
  }

  millis now{1000};
  megaco::gateway_session s{config(), now};
};

} // namespace

TEST(megaco_digit_maps, mgcp_maps_and_digits_translate) {
  EXPECT_EQ(megaco::h248_digit_map("(*8|*7[0-9*].#|*7[0-9*].T|[1-9]xx|0T)"),
            "(E8|E7[0-9E].F|E7[0-9E].S|[1-9]xx|0S)");
  EXPECT_EQ(megaco::mgcp_digits("E7202E203F"), "*7202*203#");
  EXPECT_EQ(megaco::mgcp_digits("e8"), "*8");
}

TEST_F(session, restart_puts_it_in_service_and_asks_each_line) {
  auto out = restart();
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::up);
  EXPECT_TRUE(out.phase_changed);
  EXPECT_EQ(s.peer_mid(), "[192.0.2.10]:2944");
  auto rp = replies(out);
  ASSERT_EQ(rp.size(), 1u);
  EXPECT_EQ(rp[0].id, 9998u);
  EXPECT_EQ(rp[0].actions.at(0).commands.at(0).what,
            megaco::verb::service_change);
  auto rs = requests(out);
  for (auto line : {"line/1", "line/2"}) {
    auto* m = modify_of(rs, line);
    ASSERT_NE(m, nullptr) << line;
    auto* e = descriptor(*m, "Events");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(names(*e), "al/of,al/on"); // hook state unknown: both
    EXPECT_FALSE(e->value.empty());
  }
  // Repeated (its reply lost): the same reply, nothing asked again.
  auto again = restart();
  ASSERT_EQ(again.datagrams.size(), 1u);
  EXPECT_EQ(again.datagrams[0], out.datagrams[0]);
}

TEST_F(session, off_hook_digits_and_a_connection) {
  auto up = restart();
  ack_all(up);
  auto r1 = rid(up, "line/1");
  // Off-hook: dial tone and the digit map.
  auto out = s.on_datagram(notify(20, "line/1", r1, "al/of"), now);
  ASSERT_EQ(replies(out).size(), 1u);
  EXPECT_EQ(replies(out)[0].id, 20u);
  ASSERT_FALSE(out.effects.empty());
  EXPECT_TRUE(
      std::holds_alternative<mgcp::line_effects::hook>(out.effects[0].second));
  auto rs = requests(out);
  auto* m = modify_of(rs, "line/1");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(names(*descriptor(*m, "Events")), "al/on,al/fl,dd/ce");
  auto* ce = descriptor(*m, "Events")->child("dd/ce");
  ASSERT_NE(ce, nullptr);
  auto* dm = ce->child("DigitMap");
  ASSERT_NE(dm, nullptr);
  EXPECT_NE(dm->text.find("E8|E7[0-9E].F"), std::string::npos);
  EXPECT_EQ(names(*descriptor(*m, "Signals")), "cg/dt");
  ack_all(out);
  // *8 dialled (E8): the owner hears of it.
  auto r2 = rid(out, "line/1");
  out = s.on_datagram(
      notify(21, "line/1", r2, "dd/ce { ds = \"E8\", Meth = FM }"), now);
  bool dialled = false;
  for (auto& [line, e] : out.effects)
    if (auto d = std::get_if<mgcp::line_effects::dialled>(&e)) {
      EXPECT_EQ(d->digits, "*8");
      dialled = true;
    }
  EXPECT_TRUE(dialled);
  ack_all(out);
  // The owner's CRCX: Add of the line and an ephemeral termination.
  mgcp::command crcx;
  crcx.what = mgcp::verb::crcx;
  crcx.params.push_back({"M", "sendrecv"});
  megaco::gateway_session::output o;
  auto tid = s.command_for(o, "line/1", crcx, now);
  ASSERT_NE(tid, 0u);
  auto adds = requests(o);
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].actions.at(0).context, "$");
  ASSERT_EQ(adds[0].actions[0].commands.size(), 2u);
  EXPECT_EQ(adds[0].actions[0].commands[0].termination, "line/1");
  EXPECT_EQ(adds[0].actions[0].commands[1].termination, "$");
  out = s.on_datagram(
      gw + "Reply = " + std::to_string(tid) +
          " { Context = 7 { Add = line/1, Add = rtp/11 { Media { Stream = 1 "
          "{ Local {\nv=0\nc=IN IP4 192.0.2.10\nm=audio 4020 RTP/AVP 0\n} } "
          "} } } }",
      now);
  ASSERT_EQ(out.answers.size(), 1u);
  auto& ans = out.answers[0];
  EXPECT_EQ(ans.transaction, tid);
  EXPECT_EQ(ans.code, 200);
  ASSERT_NE(ans.param("I"), nullptr);
  EXPECT_EQ(*ans.param("I"), "rtp/11");
  EXPECT_NE(ans.sdp.find("m=audio 4020"), std::string::npos);
  // MDCX: the box's media as the ephemeral's Remote, in context 7.
  mgcp::command mdcx;
  mdcx.what = mgcp::verb::mdcx;
  mdcx.sdp = "v=0\nc=IN IP4 192.0.2.1\nm=audio 20000 RTP/AVP 0\n";
  o = {};
  auto mid = s.command_for(o, "line/1", mdcx, now);
  ASSERT_NE(mid, 0u);
  auto mods = requests(o);
  ASSERT_EQ(mods.size(), 1u);
  EXPECT_EQ(mods[0].actions.at(0).context, "7");
  auto& mc = mods[0].actions[0].commands.at(0);
  EXPECT_EQ(mc.termination, "rtp/11");
  ASSERT_TRUE(mc.remote_sdp());
  EXPECT_NE(mc.remote_sdp()->find("m=audio 20000"), std::string::npos);
  // Line requests now go to the line in its context (ringback here).
  out = s.on_line("line/1", mgcp::line_events::ringback{true}, now);
  auto line_rs = requests(out);
  auto* rb = modify_of(line_rs, "line/1");
  ASSERT_NE(rb, nullptr);
  EXPECT_EQ(names(*descriptor(*rb, "Signals")), "cg/rt");
  for (auto& r : line_rs)
    EXPECT_EQ(r.actions.at(0).context, "7");
  // DLCX: the context emptied.
  mgcp::command dlcx;
  dlcx.what = mgcp::verb::dlcx;
  o = {};
  ASSERT_NE(s.command_for(o, "line/1", dlcx, now), 0u);
  auto subs = requests(o);
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].actions.at(0).context, "7");
  EXPECT_EQ(subs[0].actions[0].commands.at(0).what, megaco::verb::subtract);
  EXPECT_EQ(subs[0].actions[0].commands[0].termination, "*");
  // Its reply: one Subtract per termination, the ephemeral's statistics
  // for the log.
  auto done = s.on_datagram(
      gw + "Reply = " + std::to_string(subs[0].id) +
          " { Context = 7 { Subtract = line/1, Subtract = rtp/11 { "
          "Statistics { nt/os=1720, nt/or=860, rtp/ps=10, rtp/pr=5, "
          "rtp/pl=0, rtp/jit=2 } } } }",
      now);
  ASSERT_EQ(done.call_stats.size(), 1u);
  EXPECT_EQ(done.call_stats[0].first, "line/1");
  EXPECT_EQ(done.call_stats[0].second,
            "nt/os=1720 nt/or=860 rtp/ps=10 rtp/pr=5 rtp/pl=0 rtp/jit=2");
  // No connection left: another MDCX is not sent.
  o = {};
  EXPECT_EQ(s.command_for(o, "line/1", mdcx, now), 0u);
}

TEST_F(session, a_gateway_that_stops_answering_is_down_then_resynchronised) {
  ack_all(restart());
  // The owner rings line/2; the gateway never answers.
  auto out = s.on_line("line/2", mgcp::line_events::ring{}, now);
  auto ring_rs = requests(out);
  ASSERT_EQ(ring_rs.size(), 1u);
  auto* ring = modify_of(ring_rs, "line/2");
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(names(*descriptor(*ring, "Signals")), "al/ri");
  bool down = false;
  bool unanswered = false;
  for (int i = 0; i < 100 && !down; ++i) {
    now = s.next_tick();
    auto t = s.on_tick(now);
    down = t.phase_changed && s.phase() == mgcp::gateway_phase::down;
    for (auto& [line, e] : t.effects)
      unanswered = unanswered ||
                   std::holds_alternative<mgcp::line_effects::unanswered>(e);
  }
  EXPECT_TRUE(down);
  EXPECT_TRUE(unanswered);
  // While down it is probed (AuditValue of ROOT); its reply brings it back
  // and every line is asked anew.
  now = s.next_tick();
  auto probe = s.on_tick(now);
  std::uint32_t audit = 0;
  for (auto& r : requests(probe))
    if (r.actions.at(0).commands.at(0).what == megaco::verb::audit_value)
      audit = r.id;
  ASSERT_NE(audit, 0u);
  auto back = s.on_datagram(gw + "Reply = " + std::to_string(audit) +
                                " { Context = - { AuditValue = ROOT } }",
                            now);
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::up);
  auto back_rs = requests(back);
  EXPECT_NE(modify_of(back_rs, "line/1"), nullptr);
  EXPECT_NE(modify_of(back_rs, "line/2"), nullptr);
}

TEST_F(session, bad_input_gets_an_error_or_nothing) {
  ack_all(restart());
  // Garbage: nothing.
  EXPECT_TRUE(s.on_datagram("\x01\x02 garbage", now).datagrams.empty());
  // A request broken after its id: 403 for it.
  auto out = s.on_datagram(gw + "Transaction = 31 { Context = - { Notify = "
                                "line/1 { ObservedEvents = 1 { \"x } } } }",
                           now);
  auto rp = replies(out);
  ASSERT_EQ(rp.size(), 1u);
  EXPECT_EQ(rp[0].id, 31u);
  ASSERT_TRUE(rp[0].error);
  EXPECT_EQ(rp[0].error->code, 403);
  // A Notify for a termination it has no station on: 430.
  rp = replies(s.on_datagram(notify(32, "line/9", "1", "al/of"), now));
  ASSERT_EQ(rp.size(), 1u);
  EXPECT_EQ(rp[0].error->code, 430);
  // A command the controller does not take from a gateway: 501.
  rp = replies(s.on_datagram(
      gw + "Transaction = 33 { Context = - { Add = line/1 } }", now));
  ASSERT_EQ(rp.size(), 1u);
  EXPECT_EQ(rp[0].error->code, 501);
  // A Forced ServiceChange: out of service at once.
  s.on_datagram(gw + "Transaction = 34 { Context = - { ServiceChange = ROOT "
                     "{ Services { Method = Forced, Reason = \"905\" } } } }",
                now);
  EXPECT_EQ(s.phase(), mgcp::gateway_phase::down);
}

TEST_F(session, caller_id_and_the_lamp_through_andisp_until_refused) {
  auto up = restart();
  ack_all(up);
  auto out =
      s.on_datagram(notify(20, "line/1", rid(up, "line/1"), "al/on"), now);
  ack_all(out);
  auto ddb_of = [](const megaco::node* sg, const char* signal) {
    const auto* n = sg ? sg->child(signal) : nullptr;
    const auto* d = n ? n->child("ddb") : nullptr;
    return d ? megaco::read_display_block(d->value) : std::nullopt;
  };
  // New voice messages: the lamp by andisp/data (MDMF message waiting).
  out = s.on_line("line/1", mgcp::line_events::lamp{true}, now);
  auto rs = requests(out);
  auto* m = modify_of(rs, "line/1");
  ASSERT_NE(m, nullptr);
  auto lamp = ddb_of(descriptor(*m, "Signals"), "andisp/data");
  ASSERT_TRUE(lamp);
  EXPECT_EQ(lamp->type, 0x82u);
  EXPECT_EQ(lamp->params.at(0).second, "\xFF");
  ack_all(out);
  // A call: andisp/dwa rings with the caller's number and name.
  out = s.on_line("line/1", mgcp::line_events::ring{"12/07/09/30,202,\"Bob\""},
                  now);
  rs = requests(out);
  m = modify_of(rs, "line/1");
  ASSERT_NE(m, nullptr);
  auto* sg = descriptor(*m, "Signals");
  ASSERT_NE(sg, nullptr);
  EXPECT_EQ(names(*sg), "andisp/dwa"); // the lamp waits for the idle phone
  auto ci = ddb_of(sg, "andisp/dwa");
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->params.at(1).second, "202");
  EXPECT_EQ(ci->params.at(2).second, "Bob");
  // This gateway has no andisp: plain ringing asked at once, logged once.
  out = s.on_datagram(gw + "Reply = " + std::to_string(rs.at(0).id) +
                          " { Context = - { Modify = line/1 { Error = 440 "
                          "{ \"Unsupported or unknown Package\" } } } }",
                      now);
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_NE(out.notices[0].find("andisp"), std::string::npos);
  rs = requests(out);
  m = modify_of(rs, "line/1");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(names(*descriptor(*m, "Signals")), "al/ri");
  ack_all(out);
  // From now on no andisp on this gateway: the lamp off goes unsaid.
  out = s.on_line("line/1", mgcp::line_events::stop_ringing{}, now);
  ack_all(out);
  out = s.on_line("line/1", mgcp::line_events::lamp{false}, now);
  for (auto& r : requests(out))
    for (auto& a : r.actions)
      for (auto& c : a.commands) {
        auto* g = descriptor(c, "Signals");
        EXPECT_TRUE(!g || !g->child("andisp/data"));
      }
  EXPECT_TRUE(out.notices.empty());
}

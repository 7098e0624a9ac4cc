// Calls from a legacy phone to a user (issue 15): the box calls every
// registered device of the callee (the box as UAC, a plain INVITE offering
// the gateway's own SDP, so that the media flows between the gateway and the
// phone that answers), connects the line to the first that answers (MDCX
// with its SDP), cancels the others; either side hanging up ends both.

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/mgcp/gateway_state.hpp"

namespace ivm::actors::gw {

namespace {

using phase = call_leg::phase;

void send_leg(pointer self, call_leg& l, sip::message m, std::uint64_t id = 0) {
  self->send(l.router, atoms::sipsend_atom::value,
             sip_request_task{id, caf::actor_cast<caf::actor>(self),
                              std::move(m), l.d.target.flow, l.d.target.dest});
}

void forget_dialog(pointer self, call_leg& l) {
  self->send(l.router, atoms::dialog_atom::value, l.d.call_id, caf::actor{});
}

// The end of one leg from the box's side: BYE when answered, CANCEL when
// ringing, CANCEL later (on its 1xx) when nothing came back yet.
void drop_leg(pointer self, call_leg& l, std::uint64_t id) {
  auto& st = self->state;
  switch (l.at) {
    case phase::answered:
      send_leg(self, l, make_leg_bye(*st.s.clients, l.d));
      forget_dialog(self, l);
      l.at = phase::gone;
      break;
    case phase::ringing:
      send_leg(self, l, make_leg_cancel(l.d));
      l.cancel_wanted = true;
      break;
    case phase::calling:
      l.cancel_wanted = true;
      break;
    case phase::gone:
      break;
  }
  if (l.at != phase::gone && id != 0)
    st.orphans[id] = l; // its final answer still has to come
}

void end_and_release(pointer self, const std::string& line, station_state& sta,
                     bool busy = false) {
  output out;
  release(self, line, sta, out, busy);
  apply(self, std::move(out));
}

// The callee's rules say something else than ringing (issue 18): busy for
// decline, the call again to where it is forwarded, or the voice service
// for the callee (a voice message, or the ask menu). True when done.
bool follow_rules(pointer self, const std::string& line, station_state& sta,
                  const intercom_reach& r) {
  auto& st = self->state;
  auto call = *sta.call;
  st.log->info("call from {} ({} {}) to {}: the callee's rules: {}{}", sta.ext,
               st.s.record.name, line, call.callee, r.action,
               r.to.empty() ? std::string{} : " " + r.to);
  if (r.action == "forward" && !r.to.empty() && call.forwards < 5) {
    sta.code = r.to;
    start_call(self, line, sta, call.offer, call.forwards + 1);
    return true;
  }
  auto remote = remote_of(call.offer);
  if ((r.action == "voicemail" || r.action == "ask") && remote) {
    sta.call.reset();
    sta.code = "*7" + call.callee;
    legacy_media lm{caf::actor_cast<caf::actor>(self), line, *remote};
    if (r.action == "ask")
      self->send(st.s.directory, atoms::start_atom::value, sta.ext, sta.code,
                 lm, r);
    else
      self->send(st.s.directory, atoms::start_atom::value, sta.ext, sta.code,
                 lm);
    return true;
  }
  end_and_release(self, line, sta, true); // decline, or nowhere to go
  return true;
}

void placed(pointer self, const std::string& line, std::uint64_t gen,
            intercom_reach r) {
  auto& st = self->state;
  auto it = st.stations.find(line);
  if (it == st.stations.end() || it->second.generation != gen ||
      !it->second.call)
    return;
  auto& sta = it->second;
  auto& call = *sta.call;
  if (!r.action.empty() && follow_rules(self, line, sta, r))
    return;
  if (r.targets.empty()) {
    st.log->info("call from {} to {}: {}", sta.ext, call.callee,
                 r.absent.empty() ? "nobody to ring" : r.absent);
    end_and_release(self, line, sta);
    return;
  }
  const auto& cfg = *st.s.clients;
  auto me = caf::actor_cast<caf::actor>(self);
  for (auto& target : r.targets) {
    call_leg l;
    l.d = make_intercom_invite(
        cfg, intercom_call{sta.ext, {}, call.callee, call.offer, false},
        target);
    l.router = cfg.routers[shard_of(l.d.call_id, cfg.routers.size())];
    self->send(l.router, atoms::dialog_atom::value, l.d.call_id, me);
    auto id = st.next_result++;
    st.results[id] = {line, call.legs.size()};
    call.legs.push_back(std::move(l));
    send_leg(self, call.legs.back(), call.legs.back().d.invite, id);
  }
  st.log->info("call from {} ({} {}) to {}: {} device(s)", sta.ext,
               st.s.record.name, line, call.callee, call.legs.size());
}

// A response for a leg whose call is over: CANCEL it on its 1xx, ACK and
// BYE a 2xx, forget it on its final answer.
void orphan_result(pointer self, std::uint64_t id, int status,
                   const sip::message& resp) {
  auto& st = self->state;
  auto it = st.orphans.find(id);
  if (it == st.orphans.end())
    return;
  auto& l = it->second;
  if (status < 200) {
    if (l.at == phase::calling) {
      l.at = phase::ringing;
      send_leg(self, l, make_leg_cancel(l.d));
    }
    return;
  }
  if (status < 300) {
    send_leg(self, l, make_leg_ack(*st.s.clients, l.d, resp));
    send_leg(self, l, make_leg_bye(*st.s.clients, l.d));
  }
  forget_dialog(self, l);
  st.orphans.erase(it);
}

} // namespace

void start_call(pointer self, const std::string& line, station_state& sta,
                const std::string& gateway_sdp, int forwards) {
  auto& st = self->state;
  sta.call = outgoing_call{sta.code, gateway_sdp, {}, false, forwards};
  auto gen = sta.generation;
  // The callee's rules answer (an offer by IM waits for the user, <= 300 s).
  self->request(st.s.directory, std::chrono::seconds{330},
                atoms::rules_atom::value, sta.code, sta.ext)
      .then(
          [self, line, gen](intercom_reach& r) {
            placed(self, line, gen, std::move(r));
          },
          [self, line, gen](const caf::error&) {
            placed(self, line, gen, intercom_reach{{}, "offline", {}, {}, 20});
          });
}

void on_call_result(pointer self, std::uint64_t id, int status,
                    const sip::message& resp) {
  auto& st = self->state;
  auto r = st.results.find(id);
  if (r == st.results.end()) {
    orphan_result(self, id, status, resp);
    return;
  }
  auto [line, index] = r->second;
  auto it = st.stations.find(line);
  if (it == st.stations.end() || !it->second.call ||
      index >= it->second.call->legs.size()) {
    st.results.erase(r);
    return;
  }
  auto& sta = it->second;
  auto& call = *sta.call;
  auto& l = call.legs[index];
  if (status < 200) {
    if (l.at == phase::calling) {
      l.at = phase::ringing;
      if (l.cancel_wanted)
        send_leg(self, l, make_leg_cancel(l.d));
    }
    // The callee's phone rings: ringback tone in the handset.
    if (status >= 180 && !call.answered)
      apply(self, st.session->on_line(line, mgcp::line_events::ringback{true},
                                      now_ms()));
    return;
  }
  st.results.erase(r);
  if (status >= 300) {
    l.at = phase::gone;
    forget_dialog(self, l);
    bool all_gone = true;
    for (auto& x : call.legs)
      all_gone = all_gone && x.at == phase::gone;
    if (all_gone && !call.answered) {
      st.log->info("call from {} to {}: {}", sta.ext, call.callee, status);
      end_and_release(self, line, sta, status == 486 || status == 600);
    }
    return;
  }
  // A 2xx: ACK it (RFC 3261 §13.2.2.4); the first one takes the call.
  send_leg(self, l, make_leg_ack(*st.s.clients, l.d, resp));
  if (call.answered || l.cancel_wanted || resp.body.empty()) {
    send_leg(self, l, make_leg_bye(*st.s.clients, l.d));
    forget_dialog(self, l);
    l.at = phase::gone;
    if (!call.answered)
      end_and_release(self, line, sta); // answered without SDP
    return;
  }
  call.answered = true;
  l.at = phase::answered;
  for (std::size_t i = 0; i < call.legs.size(); ++i)
    if (i != index) {
      std::uint64_t leg_id = 0;
      for (auto& [rid, where] : st.results)
        if (where.first == line && where.second == i)
          leg_id = rid;
      drop_leg(self, call.legs[i], leg_id);
      st.results.erase(leg_id);
    }
  apply(self, st.session->on_line(line, mgcp::line_events::ringback{false},
                                  now_ms()));
  connect(self, line, sta, resp.body);
  st.log->info("call from {} to {} answered", sta.ext, call.callee);
}

void on_call_request(pointer self, const sip_task& t) {
  auto& st = self->state;
  auto call_id = t.in.msg.value_of("Call-ID");
  const auto& m = t.in.msg.method;
  if (m != "ACK") {
    int code = m == "INVITE" ? 488 : 200;
    self->send(t.router, atoms::sipresp_atom::value, t.key,
               make_answer(t, code, code == 200 ? "OK" : "Not Acceptable Here",
                           {}, st.s.clients->server));
  }
  if (m != "BYE")
    return;
  for (auto& [line, sta] : st.stations) {
    if (!sta.call)
      continue;
    for (auto& l : sta.call->legs)
      if (l.d.call_id == call_id && l.at == phase::answered) {
        l.at = phase::gone;
        forget_dialog(self, l);
        st.log->info("call from {} to {}: the callee hung up", sta.ext,
                     sta.call->callee);
        end_and_release(self, line, sta);
        return;
      }
  }
}

void end_call(pointer self, station_state& sta) {
  auto& st = self->state;
  end_incoming(self, sta);
  if (!sta.call)
    return;
  auto call = std::move(*sta.call);
  sta.call.reset();
  for (std::size_t i = 0; i < call.legs.size(); ++i) {
    std::uint64_t leg_id = 0;
    for (auto& [rid, where] : st.results)
      if (where.second == i && st.stations.count(where.first) &&
          &st.stations[where.first] == &sta)
        leg_id = rid;
    drop_leg(self, call.legs[i], leg_id);
    st.results.erase(leg_id);
  }
}

} // namespace ivm::actors::gw

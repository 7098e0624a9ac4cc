// An intercom's calls to its recipients: one leg per device, each its own
// dialog through the router, answered legs joined to the relay.
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/voice/session_state.hpp"
#include "appliance/net/udp_socket.hpp"
#include "appliance/sdp/parser.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/response.hpp"

namespace ivm::actors::voice_session {

namespace {

// Busy lamps and "on the phone" (RFC 4235 via the user's client actor):
// the caller is in a call with the service, each answered recipient with
// the caller.
void publish(pointer self, const std::string& user, const std::string& call_id,
             const std::string& tag, const std::string& peer_tag,
             sip::proxy::dialog_direction direction,
             sip::proxy::dialog_state state, std::string peer_uri,
             std::string peer_display) {
  auto& dir = self->state.s.call.directory;
  if (!dir)
    return;
  sip::proxy::dialog_view v;
  v.id = call_id + "\n" + tag + "\n" + peer_tag;
  v.call_id = call_id;
  v.local_tag = tag;
  v.remote_tag = peer_tag;
  v.direction = direction;
  v.state = state;
  v.peer_uri = std::move(peer_uri);
  v.peer_display = std::move(peer_display);
  self->send(dir, atoms::dialog_atom::value, user, std::move(v));
}

void publish_leg(pointer self, const leg_state& l,
                 sip::proxy::dialog_state state) {
  auto& st = self->state;
  auto to = sip::parse_name_addr(l.d.to);
  publish(self, l.s.user, l.d.call_id,
          to && to->tag() ? std::string{*to->tag()} : std::string{},
          l.d.local_tag, sip::proxy::dialog_direction::recipient, state,
          "sip:" + st.s.call.user + "@" + st.s.clients->domain,
          st.s.call.user_name);
}

} // namespace

void publish_caller(pointer self, sip::proxy::dialog_state state) {
  auto& st = self->state;
  if (st.s.call.from_legacy())
    return; // a legacy phone's presence follows its hook
  auto from = sip::parse_name_addr(st.s.call.invite.in.msg.value_of("From"));
  publish(self, st.s.call.user, st.call_id,
          from && from->tag() ? std::string{*from->tag()} : std::string{},
          st.local_tag, sip::proxy::dialog_direction::initiator, state,
          st.s.call.invite.in.msg.request_uri,
          st.s.call.intercom ? "Intercom" : "Voice message");
}

void call_legs(pointer self, bool auto_answer) {
  auto& st = self->state;
  st.relay = std::make_unique<voice::relay>(
      voice::stream_format{st.s.recorder.codec, st.s.recorder.payload_type});
  auto me = caf::actor_cast<caf::actor>(self);
  const auto& routers = st.s.clients->routers;
  for (auto& ls : st.s.legs) {
    leg_state l;
    intercom_call ic{st.s.call.user, st.s.call.user_name, ls.user, ls.offer};
    ic.auto_answer = auto_answer;
    l.d = make_intercom_invite(*st.s.clients, ic, ls.target);
    l.s = std::move(ls);
    l.router = routers[shard_of(l.d.call_id, routers.size())];
    self->send(l.router, atoms::dialog_atom::value, l.d.call_id, me);
    st.legs.push_back(std::move(l));
    send_leg(self, st.legs.back(), st.legs.back().d.invite, st.legs.size());
  }
  st.s.legs.clear();
}

void send_leg(pointer self, leg_state& l, sip::message m, std::uint64_t id) {
  self->send(l.router, atoms::sipsend_atom::value,
             sip_request_task{id, caf::actor_cast<caf::actor>(self),
                              std::move(m), l.s.target.flow, l.s.target.dest});
}

// Relays sink: an RTP packet for relay leg `leg`.
void to_leg(pointer self, std::size_t leg, const std::uint8_t* p,
            std::size_t n) {
  auto& st = self->state;
  if (leg >= st.leg_of.size())
    return;
  auto& l = st.legs[st.leg_of[leg]];
  l.s.socket->send_to(std::string{reinterpret_cast<const char*>(p), n},
                      l.media);
  if (l.rtcp)
    l.rtcp->sent(p, n);
}

void start_tone(pointer self) {
  auto& st = self->state;
  if (st.go_ahead)
    return;
  st.go_ahead = true;
  st.rec->restart_silence(steady::now());
  self->send(self, atoms::retry_atom::value, std::uint64_t{1});
}

// The tone waits until every leg answered or failed (or for go_ahead_wait).
void maybe_go_ahead(pointer self) {
  auto& st = self->state;
  for (auto& l : st.legs)
    if (l.at == leg_state::phase::calling || l.at == leg_state::phase::ringing)
      return;
  if (st.at == phase::talk) { // ask mode: every device said no
    if (!st.talking)
      talk_nobody(self);
    return;
  }
  if (st.s.ask)
    return; // the tone follows the prompt
  start_tone(self);
}

void cancel_leg(pointer self, leg_state& l) {
  l.cancel_wanted = true;
  // No CANCEL before a provisional response (RFC 3261 §9.1): it goes when
  // one comes, else the INVITE times out.
  if (l.at == leg_state::phase::ringing)
    send_leg(self, l, make_leg_cancel(l.d));
}

// The message is over: answered legs get a BYE, the others a CANCEL.
void end_legs(pointer self) {
  auto& st = self->state;
  if (st.relay && st.rec)
    st.relay->flush([self](std::size_t leg, const std::uint8_t* p,
                           std::size_t n) { to_leg(self, leg, p, n); });
  for (auto& l : st.legs) {
    if (l.at == leg_state::phase::answered) {
      l.heard = !l.late && !l.left;
      if (l.rtcp)
        l.rtcp->report(true);
      publish_leg(self, l, sip::proxy::dialog_state::terminated);
      send_leg(self, l, make_leg_bye(*st.s.clients, l.d));
      l.at = leg_state::phase::gone;
    } else if (l.at != leg_state::phase::gone) {
      cancel_leg(self, l);
    }
  }
}

// The answer of leg `i`'s INVITE (1xx, every 2xx, or the final failure).
void on_leg_result(pointer self, std::size_t i, int status,
                   const sip::message& resp) {
  auto& st = self->state;
  auto& l = st.legs[i];
  using phase = leg_state::phase;
  if (status < 200) {
    if (l.at == phase::calling) {
      l.at = phase::ringing;
      if (l.cancel_wanted)
        send_leg(self, l, make_leg_cancel(l.d));
    }
    return;
  }
  if (status >= 300) {
    if (l.at != phase::gone)
      st.log->info("intercom to {} ({}): {}", l.s.user, l.s.target.uri, status);
    l.at = phase::gone;
    maybe_go_ahead(self);
    return;
  }
  // A 2xx (again, when our ACK was lost): ACK each (RFC 3261 §13.2.2.4).
  send_leg(self, l, make_leg_ack(*st.s.clients, l.d, resp));
  if (l.at == phase::answered || (l.at == phase::gone && !l.cancel_wanted))
    return;
  auto answer = sdp::parse(resp.body);
  auto media = answer ? sdp::read_answer(*answer, sdp::box_codecs())
                      : expected<sdp::negotiated_audio, std::string>{
                            unexpected(std::string{"no SDP answer"})};
  if (st.done || l.cancel_wanted || !media || !st.relay) {
    if (!media)
      st.log->warn("intercom to {}: {}", l.s.user, media.error());
    send_leg(self, l, make_leg_bye(*st.s.clients, l.d));
    l.at = phase::gone;
    l.cancel_wanted = false;
    maybe_go_ahead(self);
    return;
  }
  l.media = net::endpoint{media->remote.address, media->remote_port};
  l.format = voice::stream_format{codec_of(*media), media->payload_type};
  auto ssrc = static_cast<std::uint32_t>(std::hash<std::string>{}(l.d.call_id));
  l.relay_leg = st.relay->add_leg(
      voice::stream_format{codec_of(*media), media->payload_type}, ssrc,
      static_cast<std::uint16_t>(ssrc >> 8), ssrc ^ 0x5a5a5a5au);
  if (st.leg_of.size() <= l.relay_leg)
    st.leg_of.resize(l.relay_leg + 1);
  st.leg_of[l.relay_leg] = i;
  l.late = st.go_ahead;
  l.at = phase::answered;
  publish_leg(self, l, sip::proxy::dialog_state::confirmed);
  if (l.s.rtcp) {
    l.rtcp.emplace(
        l.s.rtcp, net::endpoint{media->remote.address, media->remote_rtcp_port},
        ssrc, media->audio.clock_rate);
    start_rtcp(self, *l.rtcp, i + 1);
  }
  if (st.s.ask) {
    talk_answered(self, i);
    return;
  }
  st.log->info("intercom to {} ({}) answered, {}{}", l.s.user, l.s.target.uri,
               media->audio.encoding,
               l.late ? " (late: gets the recording too)" : "");
  maybe_go_ahead(self);
}

// A request in a leg's dialog (the recipient hung up).
void on_leg_request(pointer self, leg_state& l, const sip_task& t) {
  auto& st = self->state;
  const auto& m = t.in.msg.method;
  if (m == "ACK")
    return;
  int code = m == "INVITE" ? 488 : 200;
  self->send(t.router, atoms::sipresp_atom::value, t.key,
             make_answer(t, code, code == 200 ? "OK" : "Not Acceptable Here",
                         {}, st.s.clients->server));
  if (m == "BYE" && l.at == leg_state::phase::answered) {
    l.left = true;
    l.at = leg_state::phase::gone;
    publish_leg(self, l, sip::proxy::dialog_state::terminated);
    if (l.rtcp)
      l.rtcp->report(true);
    if (st.relay)
      st.relay->remove_leg(l.relay_leg);
    st.log->info("{}: {} hung up", st.s.ask ? "call" : "intercom", l.s.user);
    if (st.talking && &st.legs[*st.talking] == &l)
      finish(self, "the callee hung up", true);
  }
}

} // namespace ivm::actors::voice_session

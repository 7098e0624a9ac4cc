#include "actors/voice/session_actor.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/client/outgoing.hpp"
#include "actors/voice/intercom_leg.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/net/udp_socket.hpp"
#include "appliance/rtp/header.hpp"
#include "appliance/sdp/parser.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/response.hpp"
#include "appliance/voice/relay.hpp"

namespace ivm::actors {

namespace {

using steady = std::chrono::steady_clock;

/// Result ids: an intercom leg's INVITE is its index + 1; BYE and CANCEL
/// results (not needed) come with this one.
constexpr std::uint64_t other_result = 0;

/// One device an intercom calls.
struct leg_state {
  enum class phase { calling, ringing, answered, gone };
  intercom_leg_setup s;
  leg_dialog d;
  sip_router_actor router; ///< the shard of the leg's Call-ID
  phase at = phase::calling;
  bool cancel_wanted = false;
  bool late = false; ///< answered after the caller was told to speak
  bool left = false; ///< hung up before the end
  bool heard = false;
  std::size_t relay_leg = 0;
  net::endpoint media;
  std::optional<rtcp_link> rtcp; ///< once answered
};

struct session_state {
  session_setup s;
  std::unique_ptr<voice::recorder> rec;
  std::vector<std::string> tone;
  std::size_t tone_next = 0;
  std::uint16_t seq = 0;
  std::uint32_t ts = 0;
  std::uint32_t ssrc = 0;
  std::string local_tag;
  std::string call_id;
  sip_router_actor router;
  bool done = false;
  bool closing = false; ///< the caller hung up; trailing RTP still counts
  resend_2xx ok_again;  ///< the 200 again until the caller's ACK
  std::vector<leg_state> legs;
  std::unique_ptr<voice::relay> relay;
  /// Relay leg id -> index in `legs`.
  std::vector<std::size_t> leg_of;
  bool go_ahead = false; ///< the tone started: speak now
  /// The caller's BYE, answered once the recording is saved.
  std::optional<sip_task> bye;
  std::optional<rtcp_link> rtcp; ///< with the caller
  metrics::counter* rtp_in = nullptr;
  /// Counted in ivm_voice_sessions_active while the actor lives.
  metrics::level_hold open;
  std::shared_ptr<spdlog::logger> log = log::get("voice");
  static inline const char* name = "voice_session";
};

using pointer = caf::stateful_actor<session_state>*;

// A BYE from the box to the caller (the recording ended on our side); a
// legacy phone's gateway actor is told instead.
void send_bye(pointer self) {
  auto& st = self->state;
  if (st.s.call.from_legacy()) {
    self->send(st.s.call.legacy.controller, atoms::leave_atom::value,
               st.s.call.legacy.line);
    return;
  }
  if (auto bye = bye_to_caller(*st.s.clients, st.s.call.invite, st.local_tag,
                               caf::actor_cast<caf::actor>(self)))
    self->send(st.router, atoms::sipsend_atom::value, std::move(*bye));
}

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

void send_leg(pointer self, leg_state& l, sip::message m,
              std::uint64_t id = other_result) {
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
    st.log->info("intercom: {} hung up", l.s.user);
  }
}

// The RTCP link `id`: 0 the caller's, i + 1 leg i's.
rtcp_link* rtcp_of(pointer self, std::uint64_t id) {
  auto& st = self->state;
  if (id == 0)
    return st.rtcp ? &*st.rtcp : nullptr;
  if (id <= st.legs.size() && st.legs[id - 1].rtcp)
    return &*st.legs[id - 1].rtcp;
  return nullptr;
}

// The caller learns that the message is over (our BYE, or the 200 to
// theirs) once it is safe on disk.
void tell_caller(pointer self, bool hang_up) {
  auto& st = self->state;
  if (hang_up)
    send_bye(self);
  else if (st.bye)
    answer_in_dialog(self, *st.bye, st.ok_again, st.s.clients->server);
  st.bye.reset();
}

void finish(pointer self, const char* why, bool hang_up) {
  auto& st = self->state;
  if (st.done)
    return;
  st.done = true;
  publish_caller(self, sip::proxy::dialog_state::terminated);
  end_own_dialog(self, st.router, st.call_id, *st.s.socket);
  if (st.rtcp)
    st.rtcp->report(true);
  end_legs(self);
  st.rec->flush();
  st.log->info("recording from {} ended ({}): {:.1f} s, {} packets, {} ignored",
               st.s.call.user, why,
               static_cast<double>(st.rec->pcm().size()) / st.rec->rate(),
               st.rec->packets(), st.rec->ignored());
  // Intercom: whoever heard it live from the tone to the end is served;
  // everybody else (offline, busy, no answer, late, hung up) gets it
  // recorded.
  std::vector<std::string> recipients;
  for (auto& to : st.s.call.recipients) {
    bool heard =
        std::any_of(st.legs.begin(), st.legs.end(), [&](const leg_state& l) {
          return l.heard && l.s.user == to;
        });
    if (!heard)
      recipients.push_back(to);
  }
  if (!st.legs.empty())
    st.log->info("intercom from {}: heard live by {} of {} recipient(s)",
                 st.s.call.user,
                 st.s.call.recipients.size() - recipients.size(),
                 st.s.call.recipients.size());
  if (recipients.empty()) {
    tell_caller(self, hang_up);
    return;
  }
  voice_recording r{st.s.call.user,
                    st.s.call.user_name,
                    std::move(recipients),
                    st.rec->pcm(),
                    st.rec->rate(),
                    st.s.call.directory,
                    {}};
  self->request(st.s.voice, caf::infinite, atoms::deliver_atom::value,
                std::move(r))
      .then([self, hang_up](bool) { tell_caller(self, hang_up); },
            [self, hang_up](const caf::error&) { tell_caller(self, hang_up); });
}

void send_tone(pointer self) {
  auto& st = self->state;
  if (st.done || st.tone_next >= st.tone.size())
    return;
  rtp::header h;
  h.payload_type = static_cast<std::uint8_t>(st.s.recorder.payload_type);
  h.sequence = st.seq++;
  h.timestamp = st.ts;
  st.ts += st.s.recorder.codec == voice::audio_codec::opus ? 960 : 160;
  h.ssrc = st.ssrc;
  h.marker = st.tone_next == 0;
  const auto& p = st.tone[st.tone_next++];
  auto bytes = rtp::serialize(
      h, reinterpret_cast<const std::uint8_t*>(p.data()), p.size());
  if (st.rtcp)
    st.rtcp->sent(bytes.data(), bytes.size());
  st.s.socket->send_to(std::string{bytes.begin(), bytes.end()},
                       st.s.remote_media);
  self->delayed_send(self, std::chrono::milliseconds{20},
                     atoms::retry_atom::value, std::uint64_t{1});
}

caf::behavior session_impl(pointer self, session_setup setup) {
  auto& st = self->state;
  st.s = std::move(setup);
  st.call_id = std::string{st.s.call.invite.in.msg.value_of("Call-ID")};
  if (st.s.call.from_legacy()) // no dialog: an id for the SSRC and the logs
    st.call_id =
        st.s.call.legacy.line + "/" +
        std::to_string(
            std::chrono::steady_clock::now().time_since_epoch().count());
  auto to = sip::parse_name_addr(st.s.answer.value_of("To"));
  st.local_tag = to && to->tag() ? std::string{*to->tag()} : std::string{};
  st.router = st.s.call.invite.router;
  st.ssrc = static_cast<std::uint32_t>(std::hash<std::string>{}(st.call_id));
  st.rec = std::make_unique<voice::recorder>(st.s.recorder, steady::now());
  if (st.s.clients->metrics)
    st.open = metrics::level_hold{st.s.clients->metrics->make_level(
        voice_sessions_metric, voice_sessions_help)};
  if (st.s.clients->metrics)
    st.rtp_in = &st.s.clients->metrics->make_counter(
        "ivm_voice_rtp_packets_total",
        "RTP packets recorded (record mode), from the expected source.");
  st.tone = voice::tone_frames(st.s.recorder.codec, 300, 440.0);
  // In-dialog requests (BYE) come here; then answer the INVITE.
  start_own_dialog(self, st.router, st.call_id, st.s.call.invite.key,
                   st.s.answer, st.ok_again, *st.s.socket);
  if (st.s.rtcp) {
    st.rtcp.emplace(st.s.rtcp, st.s.remote_rtcp, st.ssrc,
                    st.s.recorder.codec == voice::audio_codec::opus ? 48000
                                                                    : 8000);
    start_rtcp(self, *st.rtcp, 0);
  }
  publish_caller(self, sip::proxy::dialog_state::confirmed);
  if (st.s.legs.empty()) {
    start_tone(self);
  } else {
    // Intercom: call every device now; the tone when they answered.
    st.relay = std::make_unique<voice::relay>(
        voice::stream_format{st.s.recorder.codec, st.s.recorder.payload_type});
    auto me = caf::actor_cast<caf::actor>(self);
    const auto& routers = st.s.clients->routers;
    for (auto& ls : st.s.legs) {
      leg_state l;
      l.d = make_intercom_invite(
          *st.s.clients,
          intercom_call{st.s.call.user, st.s.call.user_name, ls.user, ls.offer},
          ls.target);
      l.s = std::move(ls);
      l.router = routers[shard_of(l.d.call_id, routers.size())];
      self->send(l.router, atoms::dialog_atom::value, l.d.call_id, me);
      st.legs.push_back(std::move(l));
      send_leg(self, st.legs.back(), st.legs.back().d.invite, st.legs.size());
    }
    st.s.legs.clear();
    self->delayed_send(self, st.s.go_ahead_wait, atoms::start_atom::value);
    self->delayed_send(self, st.s.answer_timeout, atoms::expire_atom::value);
  }
  self->delayed_send(self, std::chrono::milliseconds{250},
                     atoms::timer_atom::value, std::uint64_t{0});
  st.log->info("{} from {} for {} on port {}",
               st.legs.empty() ? "recording" : "intercom", st.s.call.user,
               st.s.call.recipients.size(), st.s.socket->local_endpoint().port);
  return {
      [self](atoms::recv_atom, const datagram& d) {
        auto& st = self->state;
        if (st.done)
          return;
        if (st.rec->on_packet(d.payload, d.from.host, steady::now())) {
          if (st.rtp_in)
            st.rtp_in->inc();
          if (st.rtcp)
            st.rtcp->session.on_received(
                reinterpret_cast<const std::uint8_t*>(d.payload.data()),
                d.payload.size(), steady::now());
          // Intercom: on to the recipients at once, packet by packet.
          if (st.relay && st.relay->legs() > 0)
            st.relay->on_packet(
                reinterpret_cast<const std::uint8_t*>(d.payload.data()),
                d.payload.size(),
                [self](std::size_t leg, const std::uint8_t* p, std::size_t n) {
                  to_leg(self, leg, p, n);
                });
        }
        auto why = st.rec->check(steady::now());
        if (why != voice::stop_reason::none && !st.closing)
          finish(self, voice::to_string(why), true);
      },
      [self](atoms::timer_atom, std::uint64_t) {
        auto& st = self->state;
        if (st.done || st.closing)
          return;
        auto why = st.rec->check(steady::now());
        if (why != voice::stop_reason::none) {
          finish(self, voice::to_string(why), true);
          return;
        }
        self->delayed_send(self, std::chrono::milliseconds{250},
                           atoms::timer_atom::value, std::uint64_t{0});
      },
      [self](atoms::retry_atom, std::uint64_t) { send_tone(self); },
      [self](atoms::sipresp_atom) {
        auto& st = self->state;
        resend_answer(self, st.router, st.s.call.invite.key, st.s.answer,
                      st.ok_again, st.done);
      },
      [self](atoms::sipreq_atom, const sip_task& t) {
        auto& st = self->state;
        auto call_id = t.in.msg.value_of("Call-ID");
        for (auto& l : st.legs)
          if (l.d.call_id == call_id) {
            on_leg_request(self, l, t);
            return;
          }
        if (t.in.msg.method == "BYE" && !st.done) {
          // Answered once the recording is on disk. RTP sent just before
          // the BYE may still be on its way (another socket, the jitter of
          // the network): take it for a moment.
          st.bye = t;
          if (!st.closing) {
            st.closing = true;
            self->delayed_send(self, std::chrono::milliseconds{300},
                               atoms::commit_atom::value);
          }
          return;
        }
        answer_in_dialog(self, t, st.ok_again, st.s.clients->server);
      },
      [self](atoms::sipresult_atom, std::uint64_t id, int status,
             const sip::message& resp) {
        if (id != other_result && id <= self->state.legs.size())
          on_leg_result(self, id - 1, status, resp);
      },
      [self](atoms::start_atom) { start_tone(self); },
      [self](atoms::rtcp_atom, std::uint64_t id) {
        if (auto* link = rtcp_of(self, id))
          rtcp_due(self, *link, id);
      },
      [self](atoms::rtcp_atom, std::uint64_t id, const datagram& d) {
        if (auto* link = rtcp_of(self, id))
          link->received(d);
      },
      [self](atoms::expire_atom) {
        auto& st = self->state;
        for (auto& l : st.legs)
          if (!l.cancel_wanted && (l.at == leg_state::phase::calling ||
                                   l.at == leg_state::phase::ringing)) {
            st.log->info("intercom to {} ({}): no answer", l.s.user,
                         l.s.target.uri);
            cancel_leg(self, l);
          }
      },
      [self](atoms::commit_atom) { finish(self, "hung up", false); },
      // A legacy phone (issue 15): its user hung up, or pressed a key.
      [self](atoms::leave_atom) {
        auto& st = self->state;
        if (st.done || st.closing)
          return;
        st.closing = true;
        self->delayed_send(self, std::chrono::milliseconds{300},
                           atoms::commit_atom::value);
      },
      [self](atoms::command_atom, char key) {
        auto& st = self->state;
        if (key == '#' && !st.done && !st.closing)
          finish(self, "#", true);
      },
      [self](atoms::stop_atom) {
        for (auto& l : self->state.legs) {
          self->send(l.router, atoms::dialog_atom::value, l.d.call_id,
                     caf::actor{});
          l.s.socket->close();
          if (l.s.rtcp)
            l.s.rtcp->close();
        }
        if (self->state.s.rtcp)
          self->state.s.rtcp->close();
        self->quit();
      },
  };
}

} // namespace

caf::actor spawn_session(caf::actor_system& sys, session_setup setup) {
  return sys.spawn(session_impl, std::move(setup));
}

} // namespace ivm::actors

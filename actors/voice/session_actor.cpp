#include "actors/voice/session_actor.hpp"
#include "actors/voice/session_state.hpp"

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

namespace voice_session {

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

} // namespace voice_session

namespace {

using namespace voice_session;

// The RTCP link `id`: 0 the caller's, i + 1 leg i's.
rtcp_link* rtcp_of(pointer self, std::uint64_t id) {
  auto& st = self->state;
  if (id == 0)
    return st.rtcp ? &*st.rtcp : nullptr;
  if (id <= st.legs.size() && st.legs[id - 1].rtcp)
    return &*st.legs[id - 1].rtcp;
  return nullptr;
}

} // namespace

namespace voice_session {

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
  if (st.fax) {
    fax_end(self, why, hang_up);
    return;
  }
  if (st.s.ask && !recording(st)) {
    // Ask mode before the tone: a conversation, or a caller who left in
    // the menu (a missed call for the user); nothing recorded.
    ask_over(self, why);
    tell_caller(self, hang_up);
    return;
  }
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
  if (!st.legs.empty() && !st.s.ask)
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
                    {},
                    st.s.call.mail};
  self->request(st.s.voice, caf::infinite, atoms::deliver_atom::value,
                std::move(r))
      .then([self, hang_up](bool) { tell_caller(self, hang_up); },
            [self, hang_up](const caf::error&) { tell_caller(self, hang_up); });
}

void send_frame(pointer self, const std::string& payload, bool marker) {
  auto& st = self->state;
  rtp::header h;
  h.payload_type = static_cast<std::uint8_t>(st.s.recorder.payload_type);
  h.sequence = st.seq++;
  h.timestamp = st.ts;
  st.ts += st.s.recorder.codec == voice::audio_codec::opus ? 960 : 160;
  h.ssrc = st.ssrc;
  h.marker = marker;
  auto bytes = rtp::serialize(
      h, reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size());
  if (st.rtcp)
    st.rtcp->sent(bytes.data(), bytes.size());
  st.s.socket->send_to(std::string{bytes.begin(), bytes.end()},
                       st.s.remote_media);
}

} // namespace voice_session

namespace {

void send_tone(pointer self) {
  auto& st = self->state;
  if (st.done || st.tone_next >= st.tone.size())
    return;
  auto first = st.tone_next == 0;
  send_frame(self, st.tone[st.tone_next++], first);
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
  if (st.s.ask) {
    ask_start(self); // the menu first
  } else if (st.s.legs.empty()) {
    start_tone(self);
  } else {
    // Intercom: call every device now; the tone when they answered.
    call_legs(self, true);
    self->delayed_send(self, st.s.go_ahead_wait, atoms::start_atom::value);
    self->delayed_send(self, st.s.answer_timeout, atoms::expire_atom::value);
  }
  self->delayed_send(self, std::chrono::milliseconds{250},
                     atoms::timer_atom::value, std::uint64_t{0});
  st.log->info("{} from {} for {} on port {}",
               st.s.ask          ? "asked caller"
               : st.legs.empty() ? "recording"
                                 : "intercom",
               st.s.call.user, st.s.call.recipients.size(),
               st.s.socket->local_endpoint().port);
  return {
      [self](atoms::recv_atom, const datagram& d) {
        auto& st = self->state;
        if (st.done)
          return;
        if (st.fax) {
          if (d.from.host == st.s.recorder.expected_host ||
              st.s.recorder.expected_host.empty())
            fax_packet(self, d);
          return;
        }
        if (st.at != phase::record) {
          ask_packet(self, d); // the menu, or talking
          return;
        }
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
        if (fax_watch(self))
          return;
        auto why = st.rec->check(steady::now());
        if (why != voice::stop_reason::none && !st.closing && recording(st))
          finish(self, voice::to_string(why), true);
      },
      [self](atoms::recv_atom, std::uint64_t leg, const datagram& d) {
        talk_packet(self, static_cast<std::size_t>(leg), d);
      },
      [self](atoms::timer_atom, std::uint64_t) {
        auto& st = self->state;
        if (st.done || st.closing)
          return;
        if (st.fax) {
          if (auto end = fax_check(self); *end)
            finish(self, end, true);
          else
            self->delayed_send(self, std::chrono::milliseconds{250},
                               atoms::timer_atom::value, std::uint64_t{0});
          return;
        }
        auto why = st.rec->check(steady::now());
        if (why != voice::stop_reason::none && recording(st)) {
          finish(self, voice::to_string(why), true);
          return;
        }
        self->delayed_send(self, std::chrono::milliseconds{250},
                           atoms::timer_atom::value, std::uint64_t{0});
      },
      [self](atoms::retry_atom, std::uint64_t id) {
        if (id == 1)
          send_tone(self);
        else
          play_due(self, id);
      },
      [self](atoms::offer_atom, std::uint64_t gen) {
        menu_wait_over(self, gen);
      },
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
        if (t.in.msg.method == "INFO" && !st.done)
          if (auto key = info_key(t.in.msg))
            ask_key(self, *key);
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
        if (st.at == phase::talk && !st.talking)
          st.log->info("call from {}: {} did not answer in time",
                       st.s.call.user, st.s.call.recipients.front());
        for (auto& l : st.legs)
          if (!l.cancel_wanted && (l.at == leg_state::phase::calling ||
                                   l.at == leg_state::phase::ringing)) {
            st.log->info("intercom to {} ({}): no answer", l.s.user,
                         l.s.target.uri);
            cancel_leg(self, l);
          }
        if (st.at == phase::talk && !st.talking)
          talk_nobody(self);
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
      // A key of a legacy phone: '#' ends a recording; the ask menu's keys.
      [self](atoms::command_atom, char key) { ask_key(self, key); },
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

#include "actors/voice/playback_actor.hpp"
#include "actors/voice/session_actor.hpp"

#include <cmath>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/client/outgoing.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/net/udp_socket.hpp"
#include "appliance/rtp/header.hpp"
#include "appliance/rtp/telephone_event.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/voice/frame_encoder.hpp"

namespace ivm::actors {

std::vector<std::int16_t> to_8k(const std::vector<std::int16_t>& pcm48) {
  std::vector<std::int16_t> out;
  out.reserve(pcm48.size() / 6 + 1);
  for (std::size_t i = 0; i + 6 <= pcm48.size(); i += 6) {
    int sum = 0;
    for (std::size_t k = 0; k < 6; ++k)
      sum += pcm48[i + k];
    out.push_back(static_cast<std::int16_t>(sum / 6));
  }
  return out;
}

namespace {

struct playback_state {
  playback_setup s;
  voice::frame_encoder enc{voice::audio_codec::pcmu};
  std::optional<rtcp_link> rtcp;
  std::vector<std::int16_t> current; ///< what is playing (beeps included)
  std::size_t pos = 0;               ///< next sample of `current`
  std::size_t item = 0;              ///< message being played
  bool finishing = false;            ///< the closing beeps are playing
  bool done = false;
  std::uint16_t seq = 0;
  std::uint32_t ts = 0;
  std::uint32_t ssrc = 0;
  std::optional<std::uint32_t> last_event_ts;
  resend_2xx ok_again; ///< the 200 again until the caller's ACK
  std::string call_id;
  std::string local_tag;
  sip_router_actor router;
  /// Counted in ivm_voice_sessions_active while the actor lives.
  metrics::level_hold open;
  std::shared_ptr<spdlog::logger> log = log::get("voice");
  static inline const char* name = "voice_playback";
};

using pointer = caf::stateful_actor<playback_state>*;

std::vector<std::int16_t> beep(int ms, double hz, int pause_ms) {
  std::vector<std::int16_t> out(static_cast<std::size_t>((ms + pause_ms) * 8),
                                0);
  for (int i = 0; i < ms * 8; ++i)
    out[static_cast<std::size_t>(i)] =
        static_cast<std::int16_t>(6000 * std::sin(2 * M_PI * hz * i / 8000.0));
  return out;
}

// Queues message `i` (with its beep) or the closing beeps.
void load(pointer self, std::size_t i) {
  auto& st = self->state;
  st.item = i;
  st.pos = 0;
  if (i >= st.s.items.size()) {
    st.finishing = true;
    st.current = beep(150, 880, 100);
    auto second = beep(150, 880, 300);
    st.current.insert(st.current.end(), second.begin(), second.end());
    return;
  }
  st.current = beep(200, 440, 200);
  const auto& pcm = st.s.items[i].pcm;
  st.current.insert(st.current.end(), pcm.begin(), pcm.end());
}

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

void heard(pointer self, std::size_t i, bool del) {
  auto& st = self->state;
  if (i < st.s.items.size())
    caf::anon_send(st.s.voice, atoms::commit_atom::value, st.s.call.user,
                   st.s.items[i].id, del,
                   caf::actor_cast<caf::actor>(st.s.call.directory));
}

void finish(pointer self, bool hang_up) {
  auto& st = self->state;
  if (st.done)
    return;
  st.done = true;
  if (hang_up)
    send_bye(self);
  end_own_dialog(self, st.router, st.call_id, *st.s.socket);
  if (st.rtcp)
    st.rtcp->report(true);
}

// One 20 ms frame; the next one 20 ms later.
void tick(pointer self) {
  auto& st = self->state;
  if (st.done)
    return;
  if (st.pos >= st.current.size()) {
    if (st.finishing) {
      finish(self, true);
      return;
    }
    heard(self, st.item, false);
    load(self, st.item + 1);
  }
  std::int16_t frame[160] = {};
  auto n = std::min<std::size_t>(160, st.current.size() - st.pos);
  std::copy_n(st.current.data() + st.pos, n, frame);
  st.pos += n;
  std::uint8_t payload[voice::frame_encoder::max_payload];
  auto size = st.enc.encode(frame, payload);
  rtp::header h;
  h.payload_type = static_cast<std::uint8_t>(st.s.payload_type);
  h.sequence = st.seq++;
  h.timestamp = st.ts;
  st.ts += st.enc.ticks();
  h.ssrc = st.ssrc;
  if (size > 0) {
    auto bytes = rtp::serialize(h, payload, size);
    st.s.socket->send_to(std::string{bytes.begin(), bytes.end()},
                         st.s.remote_media);
    if (st.rtcp)
      st.rtcp->sent(bytes.data(), bytes.size());
  }
  self->delayed_send(self, std::chrono::milliseconds{20},
                     atoms::retry_atom::value, std::uint64_t{0});
}

// A key from the caller: RFC 4733 event numbers (10 '*', 11 '#').
void on_digit(pointer self, int event) {
  auto& st = self->state;
  if (st.finishing || st.done)
    return;
  switch (event) {
    case 11: // '#': next
      heard(self, st.item, false);
      load(self, st.item + 1);
      break;
    case 10: // '*': repeat
      load(self, st.item);
      break;
    case 7: // delete
      heard(self, st.item, true);
      load(self, st.item + 1);
      break;
    default:
      break;
  }
}

// A key from the caller over RTP (RFC 4733; one action per key press).
void on_key(pointer self, const rtp::packet_view& p) {
  auto& st = self->state;
  auto ev = rtp::parse_telephone_event(p.payload, p.payload_size);
  if (!ev || (st.last_event_ts && *st.last_event_ts == p.hdr.timestamp))
    return;
  st.last_event_ts = p.hdr.timestamp;
  on_digit(self, ev->event);
}

caf::behavior playback_impl(pointer self, playback_setup setup) {
  auto& st = self->state;
  st.s = std::move(setup);
  st.enc = voice::frame_encoder{st.s.codec};
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
  if (st.s.clients && st.s.clients->metrics)
    st.open = metrics::level_hold{st.s.clients->metrics->make_level(
        voice_sessions_metric, voice_sessions_help)};
  start_own_dialog(self, st.router, st.call_id, st.s.call.invite.key,
                   st.s.answer, st.ok_again, *st.s.socket);
  if (st.s.rtcp) {
    st.rtcp.emplace(st.s.rtcp, st.s.remote_rtcp, st.ssrc,
                    st.s.codec == voice::audio_codec::opus ? 48000 : 8000);
    start_rtcp(self, *st.rtcp, 0);
  }
  st.log->info("{} listens to {} voice message(s)", st.s.call.user,
               st.s.items.size());
  load(self, 0);
  self->send(self, atoms::retry_atom::value, std::uint64_t{0});
  return {
      [self](atoms::recv_atom, const datagram& d) {
        auto& st = self->state;
        if (st.done || !st.s.telephone_event ||
            d.from.host != st.s.remote_media.host)
          return;
        auto p =
            rtp::parse(reinterpret_cast<const std::uint8_t*>(d.payload.data()),
                       d.payload.size());
        if (p && p->hdr.payload_type == *st.s.telephone_event)
          on_key(self, *p);
      },
      [self](atoms::rtcp_atom, std::uint64_t id) {
        if (auto& link = self->state.rtcp)
          rtcp_due(self, *link, id);
      },
      [self](atoms::rtcp_atom, std::uint64_t, const datagram& d) {
        if (auto& link = self->state.rtcp)
          link->received(d);
      },
      [self](atoms::retry_atom, std::uint64_t) { tick(self); },
      [self](atoms::sipresp_atom) {
        auto& st = self->state;
        resend_answer(self, st.router, st.s.call.invite.key, st.s.answer,
                      st.ok_again, st.done);
      },
      [self](atoms::sipreq_atom, const sip_task& t) {
        auto& st = self->state;
        answer_in_dialog(self, t, st.ok_again, st.s.clients->server);
        if (t.in.msg.method == "BYE")
          finish(self, false);
      },
      [](atoms::sipresult_atom, std::uint64_t, int, const sip::message&) {},
      // A legacy phone (issue 15): its user hung up, or pressed a key.
      [self](atoms::leave_atom) { finish(self, false); },
      [self](atoms::command_atom, char key) {
        on_digit(self, key == '*'                 ? 10
                       : key == '#'               ? 11
                       : key >= '0' && key <= '9' ? key - '0'
                                                  : -1);
      },
      [self](atoms::stop_atom) {
        if (self->state.s.rtcp)
          self->state.s.rtcp->close();
        self->quit();
      },
  };
}

} // namespace

caf::actor spawn_playback(caf::actor_system& sys, playback_setup setup) {
  return sys.spawn(playback_impl, std::move(setup));
}

} // namespace ivm::actors
